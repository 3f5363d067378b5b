"""Forms for entering actions and their timeframes in the administration pages."""

from django import forms

from plans.models import Theme
from priorities.models import Strand

from .models import Action, Timeframe


def theme_with_plan(theme):
    """ "Prevention (Safer Lewisham Plan 17-18)": every plan has a theme called "Prevention"."""
    return f"{theme.name} ({theme.plan})"


def strand_with_plan(strand):
    """ "Safer Lewisham Plan 17-18 › Violence › Violence against women and girls"."""
    return f"{strand.priority.plan} › {strand.priority} › {strand}"


class ActionAdminForm(forms.ModelForm):
    """An action with its timeframe typed as the plan words it.

    The wording is turned into the plan's shared Timeframe on save. Wording the reader cannot
    understand is still saved, never refused: the Timeframe is then flagged for an
    administrator to set its dates by hand.
    """

    timeframe_wording = forms.CharField(
        label="Timeframe",
        required=False,
        max_length=Timeframe._meta.get_field("wording").max_length,
        help_text="As the plan words it, e.g. “March 18”, “Review quarterly”. Leave blank if the "
        "plan gives none.",
    )

    class Meta:
        model = Action
        # Not the timeframe: it is found from its wording, never picked from a list.
        fields = [
            "strand",
            "reference",
            "order",
            "theme",
            "text",
            "lead_agency",
            "lead_officer",
            "partner_agencies",
            "completion_status",
            "completion_note",
        ]

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan or self._instance_plan()
        if self.instance.timeframe_id:
            self.fields["timeframe_wording"].initial = self.instance.timeframe.wording
        if "theme" in self.fields:
            theme = self.fields["theme"]
            if self.plan is not None:
                theme.queryset = self.plan.themes.all()
            else:
                # A new action whose plan is not known yet: any plan's theme, labelled with
                # its plan; Action.clean() refuses a theme of another plan than the strand's.
                theme.queryset = Theme.objects.select_related("plan").order_by(
                    "-plan__financial_year", "plan__title", "order", "id"
                )
                theme.label_from_instance = theme_with_plan
        if "strand" in self.fields:
            strand = self.fields["strand"]
            strand.queryset = Strand.objects.select_related("priority__plan")
            strand.label_from_instance = strand_with_plan

    def _instance_plan(self):
        if self.instance.strand_id:
            return self.instance.strand.priority.plan
        return None

    def _plan_for_save(self):
        """The plan of the strand the action is saved in: the strand chosen on this form (or
        the inline's parent strand), else the one it is already in."""
        strand = self.cleaned_data.get("strand")
        if strand is None and self.instance.strand_id:
            strand = self.instance.strand
        return strand.priority.plan if strand is not None else None

    def _post_clean(self):
        # Action.clean() checks the timeframe belongs to the action's plan. Point the instance
        # at the timeframe this wording will use (without creating one: the form may still be
        # refused), so an action moved to another plan is not checked against its old one.
        plan = self._plan_for_save()
        wording = (self.cleaned_data.get("timeframe_wording") or "").strip()
        self.instance.timeframe = (
            Timeframe.objects.filter(plan=plan, wording=wording).first()
            if plan and wording
            else None
        )
        super()._post_clean()

    def save(self, commit=True):
        self.instance.timeframe = Timeframe.for_wording(
            self._plan_for_save(), self.cleaned_data.get("timeframe_wording")
        )
        return super().save(commit=commit)


class TimeframeAdminForm(forms.ModelForm):
    """A timeframe's wording and the dates read from it, which an administrator may correct.

    Dates typed here are only kept when "set by hand" is ticked; otherwise saving reads them
    from the wording again. Rather than silently lose what was typed, the form asks.
    """

    HAND_FIELDS = ("start_date", "due_date", "cadence")

    class Meta:
        model = Timeframe
        fields = ["plan", "wording", "set_by_hand", "start_date", "due_date", "cadence"]

    def clean(self):
        cleaned_data = super().clean()
        plan = cleaned_data.get("plan") or (self.instance.plan if self.instance.plan_id else None)
        wording = cleaned_data.get("wording")
        # The plan is read-only once the timeframe exists, so the form's own uniqueness check
        # leaves this out; without it a clash would only be caught by the database.
        clash = Timeframe.objects.filter(plan=plan, wording=wording).exclude(pk=self.instance.pk)
        if plan and wording and clash.exists():
            self.add_error(
                "wording",
                "This plan already has a timeframe with this wording. Change the actions' "
                "wording instead, so they share it.",
            )
        changed_by_hand = [name for name in self.HAND_FIELDS if name in self.changed_data]
        if changed_by_hand and not cleaned_data.get("set_by_hand"):
            self.add_error(
                "set_by_hand",
                "Tick “set by hand” to keep the dates and cadence you entered. Otherwise they are "
                "read from the wording again when you save.",
            )
        return cleaned_data
