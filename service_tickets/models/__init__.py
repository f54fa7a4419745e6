from .catalog import Category, SlaTarget
from .territory import Territory
from .ticket import Ticket, TicketCounter, TicketEvent

__all__ = ["Category", "SlaTarget", "Territory", "Ticket", "TicketCounter", "TicketEvent"]
