"""A pydantic model parameter: pydantic is installed as the script's dependency, and main()
receives a validated model instance (or the job fails naming the parameter)."""
from __future__ import annotations

from app.models import JobStatus

USES_PYDANTIC = '''\
from typing import Optional
from pydantic import BaseModel, Field, field_validator


class Address(BaseModel):
    city: str


class User(BaseModel):
    name: str
    age: int = Field(default=0, ge=0)
    address: Optional[Address] = None

    @field_validator("name")
    @classmethod
    def not_blank(cls, name: str) -> str:
        if not name.strip():
            raise ValueError("name is blank")
        return name


def main(user: User):
    return {"type": type(user).__name__, "address": type(user.address).__name__,
            "age": user.age, "city": user.address.city}
'''


def test_main_receives_a_validated_pydantic_model(run_script):
    job = run_script("u/alice/pydantic", USES_PYDANTIC, user={"name": "ada", "age": 36,
                                                              "address": {"city": "London"}})
    assert job.status == JobStatus.SUCCESS, (job.error, job.logs)
    assert job.result == {"type": "User", "address": "Address", "age": 36, "city": "London"}


def test_a_model_validation_error_fails_the_job_naming_the_parameter(run_script):
    job = run_script("u/alice/pydantic", USES_PYDANTIC, user={"name": "  "})
    assert job.status == JobStatus.FAILURE
    assert job.error["message"].startswith("InvalidArgument: argument 'user': ValidationError:"), job.error
    assert "name is blank" in job.error["message"]
