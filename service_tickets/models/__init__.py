from .catalog import Category, SlaTarget
from .escalation import Escalation, EscalationRule
from .territory import Territory
from .ticket import Ticket, TicketCounter, TicketEvent

__all__ = ["Category", "Escalation", "EscalationRule", "SlaTarget", "Territory", "Ticket",
           "TicketCounter", "TicketEvent"]
