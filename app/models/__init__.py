"""All models, importable from one place (Alembic's autogenerate needs them loaded)."""
from app.models.base import Base, utcnow
from app.models.job import Job, JobStatus
from app.models.script import Script
from app.models.token import ApiToken
from app.models.user import User
from app.models.workspace import Member, Role, Workspace

__all__ = ["ApiToken", "Base", "Job", "JobStatus", "Member", "Role", "Script", "User",
           "Workspace", "utcnow"]
