"""All models, importable from one place (Alembic's autogenerate needs them loaded)."""
from app.models.audit import AuditEvent
from app.models.base import Base, utcnow
from app.models.folder import Folder
from app.models.grant import Grant, Level, PrincipalKind, TargetKind
from app.models.group import Group, GroupMember
from app.models.invitation import Invitation
from app.models.job import Job, JobStatus
from app.models.script import Script
from app.models.token import ApiToken, TokenScope
from app.models.user import User
from app.models.workspace import Member, Role, Workspace

__all__ = ["ApiToken", "AuditEvent", "Base", "Folder", "Grant", "Group", "GroupMember", "Invitation", "Job",
           "JobStatus", "Level", "Member", "PrincipalKind", "Role", "Script", "TargetKind",
           "TokenScope", "User", "Workspace", "utcnow"]
