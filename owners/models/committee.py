from django.db import models
from django.utils.translation import gettext_lazy as _


class Committee(models.Model):
    """An owners' committee (业主委员会) of an estate, for one term."""

    estate = models.ForeignKey("owners.Estate", verbose_name=_("estate"),
                               on_delete=models.PROTECT, related_name="committees")
    term = models.CharField(_("term"), max_length=40, help_text=_("e.g. 第三届"))
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("owners' committee")
        verbose_name_plural = _("owners' committees")
        ordering = ["estate", "-term_start"]

    def __str__(self) -> str:
        return f"{self.estate} {self.term}"


class CommitteeMember(models.Model):
    """A member of an owners' committee and their post."""

    class Post(models.TextChoices):
        DIRECTOR = "director", _("Director")
        DEPUTY = "deputy", _("Deputy director")
        MEMBER = "member", _("Member")

    committee = models.ForeignKey(Committee, verbose_name=_("owners' committee"),
                                  on_delete=models.CASCADE, related_name="members")
    party = models.ForeignKey("owners.Party", verbose_name=_("owner"),
                              on_delete=models.PROTECT, related_name="committee_posts")
    post = models.CharField(_("post"), max_length=10, choices=Post.choices,
                            default=Post.MEMBER)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["committee", "post", "id"]
        constraints = [models.UniqueConstraint(fields=["committee", "party"],
                                               name="owners_committee_member_once")]

    def __str__(self) -> str:
        return f"{self.party} ({self.get_post_display()})"


class CommitteeMeeting(models.Model):
    """A meeting of an owners' committee with its minutes and decisions."""

    committee = models.ForeignKey(Committee, verbose_name=_("owners' committee"),
                                  on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=100)
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("committee meeting")
        verbose_name_plural = _("committee meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"
