from .catalog import Category, SlaTarget
from .escalation import Escalation, EscalationRule
from .followup import FollowUp
from .notice import Notice, NoticeCall
from .territory import Territory, TerritoryChange
from .ticket import Ticket, TicketCounter, TicketEvent
from .work import SavedFilter, TicketExport, TicketMaterial

__all__ = ["Category", "Escalation", "EscalationRule", "FollowUp", "Notice", "NoticeCall",
           "SavedFilter", "SlaTarget", "Territory", "TerritoryChange", "Ticket",
           "TicketCounter", "TicketEvent", "TicketExport", "TicketMaterial"]
