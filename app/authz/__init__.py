"""Authorization: one layer that every API endpoint, page, webhook and worker-side lookup uses."""
from app.authz.actor import Actor, load_actor
from app.authz.policy import (Action, can, can_see_job, folder_rank, item_rank, require,
                              require_admin, require_create, require_folder_admin, require_job, require_run_target)

__all__ = ["Action", "Actor", "can", "can_see_job", "folder_rank", "item_rank", "load_actor",
           "require", "require_admin", "require_create", "require_folder_admin", "require_job",
           "require_run_target"]
