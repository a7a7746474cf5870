"""All models, importable from one place (Alembic's autogenerate needs them loaded)."""
from app.models.audit import AuditEvent
from app.models.base import Base, utcnow
from app.models.flow import ApprovalStatus, Flow, FlowApproval
from app.models.folder import Folder
from app.models.grant import Grant, Level, PrincipalKind, TargetKind
from app.models.group import Group, GroupMember
from app.models.invitation import Invitation
from app.models.job import Job, JobKind, JobStatus
from app.models.resource import Resource, ResourceType
from app.models.schedule import Schedule, ScheduleFiring, ScheduleTargetKind
from app.models.script import DependencyEnvironment, DependencyLock, Script
from app.models.state import State
from app.models.token import ApiToken, TokenScope
from app.models.user import User
from app.models.variable import Variable
from app.models.webhook import Webhook
from app.models.workspace import Member, Role, Workspace

__all__ = ["ApiToken", "ApprovalStatus", "AuditEvent", "Base", "DependencyEnvironment", "DependencyLock", "Flow", "FlowApproval", "Folder", "Grant", "Group", "GroupMember", "Invitation", "Job",
           "JobKind", "JobStatus", "Level", "Member", "PrincipalKind", "Resource", "ResourceType", "Role",
           "Schedule", "ScheduleFiring", "ScheduleTargetKind", "Script", "State", "TargetKind", "TokenScope", "User",
           "Variable", "Webhook", "Workspace", "utcnow"]
