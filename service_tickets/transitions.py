"""The one table of which action may move a ticket from which state to which, and the one
rule of who may take it.

Every state change goes through ``services.ticket_act``, which asks ``refusal`` before it
moves anything; the ticket page's buttons and the API's ``actions`` are the actions for
which ``refusal`` has nothing to say (``selectors.ticket_actions_for``). So a button is
shown exactly when the service would take the action, and the API answers the same.
"""

from functools import cached_property

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from .choices import Action, DispatchMode, FollowUpPolicy, Status, TicketType

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

# Who may take which action, beyond the table.
DESK_ACTIONS = {Action.DISPATCH, Action.CLOSE, Action.REOPEN, Action.CANCEL}
ASSIGNEE_ACTIONS = {Action.ACCEPT, Action.DECLINE}
WORK_ACTIONS = {Action.START, Action.HOLD, Action.RESUME, Action.COMPLETE}


class TransitionError(ValidationError):
    """An action the ticket's state, version or the actor's rights do not allow."""


def target_of(action: str, status: str) -> str | None:
    """The state ``action`` leads to from ``status``, or None if it is not allowed."""
    sources, target = TRANSITIONS[action]
    return target if status in sources else None


def actions_from(status: str) -> list[str]:
    return [action for action, (sources, _t) in TRANSITIONS.items() if status in sources]


def follow_up_required(ticket) -> bool:
    """Whether the ticket must be followed up before it is closed: complaints always,
    otherwise as its category says."""
    if ticket.type == TicketType.COMPLAINT:
        return True
    policy = ticket.category.follow_up_policy
    if policy == FollowUpPolicy.ALWAYS:
        return True
    if policy == FollowUpPolicy.UNLESS_RATED:
        return ticket.owner_rating is None
    return False


class Actor:
    """One person facing one ticket: the facts the rule asks about them, each read when
    first asked and then kept (a page that already holds the helpers passes their ids)."""

    def __init__(self, user, ticket, *, helper_ids: set[int] | None = None):
        self.user, self.ticket, self._helper_ids = user, ticket, helper_ids

    @cached_property
    def dispatcher(self) -> bool:
        """The desk, dispatchers and managers."""
        return self.user.has_perm("service_tickets.change_ticket")

    @property
    def assignee(self) -> bool:
        return self.ticket.assignee_id == self.user.pk

    @cached_property
    def helper(self) -> bool:
        if self._helper_ids is not None:
            return self.user.pk in self._helper_ids
        return self.ticket.helpers.filter(pk=self.user.pk).exists()

    @cached_property
    def works_in_territory(self) -> bool:
        """Sees every ticket, or is a member of the ticket's territory."""
        if self.user.has_perm("service_tickets.view_all_tickets"):
            return True
        if self.ticket.territory_id is None:
            return False
        return self.ticket.territory.members.filter(pk=self.user.pk).exists()


def refusal(action: str, ticket, actor: Actor | None) -> Exception | None:
    """Why ``actor`` may not take ``action`` on ``ticket`` now (None: they may).

    The ticket's state, the actor's part in it and what the ticket still owes (a pool
    to take it from, a follow-up before closing); what the action's input must hold (a
    reason, whom to dispatch to) is checked by ``services.ticket_act`` on the input.
    ``actor`` None is the system itself, which only the table binds."""
    if target_of(action, ticket.status) is None:
        return TransitionError(_("A ticket that is “%(status)s” cannot be “%(action)s”.")
                               % {"status": ticket.get_status_display(),
                                  "action": Action(action).label})
    if actor is None:
        return None
    if action == Action.DISPATCH and not actor.dispatcher:
        return PermissionDenied(_("Only dispatchers and managers dispatch tickets."))
    if action == Action.GRAB:
        if ticket.category.dispatch_mode != DispatchMode.GRAB_POOL:
            return TransitionError(_("This category is dispatched by hand, not taken from "
                                     "a pool."))
        if not actor.works_in_territory:
            return PermissionDenied(_("You are not authorised in this ticket's territory."))
    if action in ASSIGNEE_ACTIONS and not actor.assignee:
        return PermissionDenied(_("Only the person the ticket was dispatched to can accept "
                                  "or decline it."))
    if action in WORK_ACTIONS and not (actor.assignee or actor.dispatcher or actor.helper):
        return PermissionDenied(_("Only the assignee and helpers work on this ticket."))
    if action in DESK_ACTIONS - {Action.DISPATCH} and not actor.dispatcher:
        return PermissionDenied(_("Only the desk, dispatchers and managers close, reopen or "
                                  "cancel tickets."))
    if action == Action.CLOSE and follow_up_required(ticket) and ticket.followed_up_at is None:
        return TransitionError(_("This ticket must be followed up before it is closed: "
                                 "record the follow-up, which closes it when the owner is "
                                 "satisfied."))
    return None
