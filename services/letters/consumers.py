"""letters' event entrypoints (queues `letters.<event>`)."""
from . import handlers

HANDLERS = {"inspectors.assigned": handlers.issue_joint_letter,
            "inspectors.replaced": handlers.reissue_after_replacement}
