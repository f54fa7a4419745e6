"""The one table of which action may move a ticket from which state to which.

Every state change goes through ``services.ticket_act``, which consults this table; an
action not listed for the ticket's current state is refused with a message naming both.
"""

from .choices import Action, Status

# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    Action.DISPATCH: (frozenset({Status.NEW, Status.REOPENED, Status.DISPATCHED,
                                 Status.ACCEPTED}), Status.DISPATCHED),
    Action.GRAB: (frozenset({Status.NEW, Status.REOPENED}), Status.ACCEPTED),
    Action.ACCEPT: (frozenset({Status.DISPATCHED}), Status.ACCEPTED),
    Action.DECLINE: (frozenset({Status.DISPATCHED}), Status.NEW),
    Action.START: (frozenset({Status.ACCEPTED}), Status.IN_PROGRESS),
    Action.HOLD: (frozenset({Status.ACCEPTED, Status.IN_PROGRESS}), Status.ON_HOLD),
    Action.RESUME: (frozenset({Status.ON_HOLD}), Status.IN_PROGRESS),
    Action.COMPLETE: (frozenset({Status.IN_PROGRESS}), Status.DONE),
    Action.CLOSE: (frozenset({Status.DONE}), Status.CLOSED),
    Action.REOPEN: (frozenset({Status.DONE, Status.CLOSED}), Status.REOPENED),
    Action.CANCEL: (frozenset({Status.NEW, Status.DISPATCHED, Status.ACCEPTED,
                               Status.IN_PROGRESS, Status.ON_HOLD, Status.REOPENED}),
                    Status.CANCELLED),
}

# Actions that must say why.
NEEDS_REASON = {Action.DECLINE, Action.HOLD, Action.CANCEL, Action.REOPEN}


def target_of(action: str, status: str) -> str | None:
    """The state ``action`` leads to from ``status``, or None if it is not allowed."""
    sources, target = TRANSITIONS[action]
    return target if status in sources else None


def actions_from(status: str) -> list[str]:
    return [action for action, (sources, _t) in TRANSITIONS.items() if status in sources]
