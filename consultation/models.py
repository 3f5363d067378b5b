"""Comments members and officers make on a draft plan while it is out for consultation."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from actions.models import Action
from agencies.models import person_field
from partnerships.scoping import partnership_manager
from plans.models import AnnualPlan
from priorities.models import Strand


class CommentQuerySet(models.QuerySet):
    def open(self):
        """Not yet marked addressed by an administrator."""
        return self.filter(addressed_at__isnull=True)

    def addressed(self):
        return self.filter(addressed_at__isnull=False)


class Comment(models.Model):
    """A comment on a plan as a whole, on one of its strands or on one of its actions, made
    during consultation, which an administrator marks addressed once the plan deals with it."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="comments")
    strand = models.ForeignKey(
        Strand, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="plan_comments",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    addressed_at = models.DateTimeField(null=True, blank=True)
    addressed_by = person_field("+")
    response = models.TextField(
        blank=True, help_text="How the plan deals with the comment, for the meeting."
    )

    history = HistoricalRecords()

    objects = partnership_manager("plan__partnership", CommentQuerySet, oversight=False)

    class Meta:
        ordering = ["plan", "created_at", "id"]
        permissions = [("address_comment", "Can mark comments on a plan addressed")]
        constraints = [
            # A comment is about the plan, one strand or one action: never two at once.
            models.CheckConstraint(
                condition=Q(strand__isnull=True) | Q(action__isnull=True),
                name="consultation_comment_one_subject",
            ),
        ]

    def __str__(self):
        text = self.text if len(self.text) <= 60 else self.text[:59] + "…"
        return f"{self.subject_label}: {text}"

    @property
    def is_addressed(self) -> bool:
        return self.addressed_at is not None

    @property
    def subject_label(self) -> str:
        """What the comment is about, as the list shows it: "The plan", "Strand: …",
        "Action 1.2"."""
        if self.action_id:
            ref = self.action.reference
            return f"Action {ref}" if ref else f"Action: {self.action}"
        if self.strand_id:
            return f"Strand: {self.strand.title}"
        return "The plan as a whole"
