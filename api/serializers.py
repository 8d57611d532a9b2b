"""What the read API returns: flat, stable field names a reporting tool can load as tables."""

from rest_framework import serializers

from assurance.models import AssuranceReview
from deliverables.models import Deliverable, StatusUpdate
from objectives.models import Measure, MeasureValue, Objective, Plan, Theme
from objectives.templatetags.plan_text import person


class QuarterSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    label = serializers.CharField()
    state = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)


class PlanSerializer(serializers.ModelSerializer):
    quarters = QuarterSerializer(many=True)

    class Meta:
        model = Plan
        fields = ["id", "financial_year", "title", "start_date", "quarters"]


class ThemeSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan.financial_year")

    class Meta:
        model = Theme
        fields = ["id", "plan", "number", "title"]


class KeyIndicatorSerializer(serializers.Serializer):
    perspective = serializers.CharField()
    text = serializers.CharField()


class ObjectiveSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan.financial_year")
    theme = serializers.IntegerField(source="theme.number")
    key_indicators = KeyIndicatorSerializer(many=True)

    class Meta:
        model = Objective
        fields = ["id", "plan", "theme", "number", "title", "key_indicators"]


class DeliverableSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="objective.plan.financial_year")
    theme = serializers.IntegerField(source="objective.theme.number")
    objective = serializers.IntegerField(source="objective.number")
    owners = serializers.SerializerMethodField()
    assurance_groups = serializers.SerializerMethodField()
    quarter = serializers.SerializerMethodField()
    position = serializers.CharField(help_text="Where it stands in the quarter.")
    status = serializers.CharField(source="status_now", allow_null=True)

    class Meta:
        model = Deliverable
        fields = [
            "id",
            "plan",
            "theme",
            "objective",
            "reference",
            "description",
            "delivery",
            "start_quarter",
            "end_quarter",
            "owners",
            "assurance_groups",
            "carried_from",
            "quarter",
            "position",
            "status",
        ]

    def get_owners(self, deliverable) -> list[str]:
        return [owner.code for owner in deliverable.ordered_owners]

    def get_assurance_groups(self, deliverable) -> list[str]:
        return [group.label for group in deliverable.ordered_assurance_groups]

    def get_quarter(self, deliverable) -> int:
        return self.context["quarter"].number


class StatusUpdateSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="quarter.plan.financial_year")
    quarter = serializers.IntegerField(source="quarter.number")
    reference = serializers.CharField(source="deliverable.reference")
    updated_by = serializers.SerializerMethodField()

    class Meta:
        model = StatusUpdate
        fields = [
            "id",
            "plan",
            "quarter",
            "deliverable",
            "reference",
            "status",
            "narrative",
            "reason_for_change",
            "risks",
            "next_steps",
            "expected_date",
            "updated_by",
            "updated_at",
        ]

    def get_updated_by(self, update) -> str:
        return person(update.updated_by, default="")


class AssuranceReviewSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="quarter.plan.financial_year")
    quarter = serializers.IntegerField(source="quarter.number")
    reference = serializers.CharField(source="deliverable.reference")
    assurance_group = serializers.CharField(source="assurance_group.label")
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = AssuranceReview
        fields = [
            "id",
            "plan",
            "quarter",
            "deliverable",
            "reference",
            "assurance_group",
            "level",
            "comments",
            "actions_requested",
            "recorded_by",
            "recorded_at",
        ]

    def get_recorded_by(self, review) -> str:
        return person(review.recorded_by, default="")


class MeasureSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="indicator.objective.plan.financial_year")
    objective = serializers.IntegerField(source="indicator.objective.number")
    description = serializers.CharField()
    variation = serializers.SerializerMethodField()
    assurance = serializers.SerializerMethodField()

    class Meta:
        model = Measure
        fields = [
            "id",
            "plan",
            "objective",
            "name",
            "description",
            "unit",
            "direction",
            "target",
            "frequency",
            "variation",
            "assurance",
        ]

    def get_variation(self, measure) -> str | None:
        analysis = measure.analysis()
        return str(analysis.variation) if analysis else None

    def get_assurance(self, measure) -> str | None:
        analysis = measure.analysis()
        return str(analysis.assurance) if analysis and analysis.assurance else None


class MeasureValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeasureValue
        fields = ["id", "measure", "period", "value", "starts_segment", "note"]


class CommitteeActionSerializer(serializers.Serializer):
    """An action a committee asked of a deliverable's owner, with the owner's response."""

    id = serializers.IntegerField()
    plan = serializers.CharField(source="deliverable.objective.plan.financial_year")
    reference = serializers.CharField(source="deliverable.reference")
    deliverable = serializers.IntegerField(source="deliverable_id")
    assurance_group = serializers.CharField(source="review.assurance_group.label")
    asked_in_plan = serializers.CharField(source="review.quarter.plan.financial_year")
    asked_in_quarter = serializers.IntegerField(source="review.quarter.number")
    text = serializers.CharField()
    response = serializers.CharField()
    responded_at = serializers.DateTimeField(allow_null=True)
    open = serializers.BooleanField(source="is_open")
    closed_at = serializers.DateTimeField(allow_null=True)


class NeedsALookMeasureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    concerns = serializers.ListField(child=serializers.CharField())
    latest_period = serializers.CharField(allow_blank=True)


class NeedsALookSerializer(serializers.Serializer):
    """A deliverable reported On track (Green) while a key indicator of its objective shows
    special-cause concern or will consistently miss its target."""

    deliverable = serializers.IntegerField(source="id")
    reference = serializers.CharField()
    description = serializers.CharField()
    objective = serializers.IntegerField()
    status = serializers.CharField()
    measures = NeedsALookMeasureSerializer(many=True)


# The Board Assurance Framework (issue 30): each risk as the BAF pages show it in a quarter,
# from assurance.baf.register.as_data.


class RiskObjectiveSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()


class RiskScoreSerializer(serializers.Serializer):
    likelihood = serializers.IntegerField(min_value=1, max_value=5)
    consequence = serializers.IntegerField(min_value=1, max_value=5)
    score = serializers.IntegerField(min_value=1, max_value=25)
    rating = serializers.CharField(help_text="low, moderate, high or extreme (NHS 5×5 bands)")


class RiskCurrentScoreSerializer(RiskScoreSerializer):
    rationale = serializers.CharField(allow_blank=True)
    quarter = serializers.CharField(
        allow_blank=True, help_text="Where it was recorded (Q2); empty: the initial score."
    )


class RiskViewSerializer(serializers.Serializer):
    group = serializers.CharField()
    level = serializers.CharField()
    comments = serializers.CharField(allow_blank=True)


class RiskControlSerializer(serializers.Serializer):
    label = serializers.CharField()
    deliverable = serializers.IntegerField(source="deliverable_id", allow_null=True)
    reference = serializers.CharField(allow_blank=True)
    position = serializers.CharField(source="position_label", allow_blank=True)
    effectiveness = serializers.CharField()
    gap = serializers.BooleanField()


class RiskReadingSerializer(serializers.Serializer):
    source = serializers.CharField()
    positive = serializers.BooleanField(allow_null=True)


class RiskAssuranceSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="review, measure, audit or external")
    line = serializers.IntegerField(min_value=1, max_value=3)
    label = serializers.CharField()
    positive = serializers.BooleanField(allow_null=True)
    readings = RiskReadingSerializer(many=True)


class RiskGapSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="control or assurance")
    key = serializers.CharField()
    source = serializers.CharField(help_text="The evidence that raised it.")
    open = serializers.BooleanField()
    status = serializers.CharField(source="status_label")
    action = serializers.CharField(allow_blank=True)


class PrincipalRiskSerializer(serializers.Serializer):
    """A principal risk in a quarter: its objectives, scores, controls, assurances and gaps."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    cause = serializers.CharField(allow_blank=True)
    event = serializers.CharField(allow_blank=True)
    effect = serializers.CharField(allow_blank=True)
    illustrative = serializers.BooleanField()
    objectives = RiskObjectiveSerializer(many=True)
    owner = serializers.CharField()
    lead_committee = serializers.CharField()
    appetite_level = serializers.CharField()
    appetite_category = serializers.CharField()
    initial = RiskScoreSerializer()
    current = RiskCurrentScoreSerializer()
    target = RiskScoreSerializer()
    tolerance = RiskScoreSerializer()
    scored_this_quarter = serializers.BooleanField()
    trend = serializers.CharField(help_text="up, down or same")
    above_appetite = serializers.BooleanField()
    committee_view = RiskViewSerializer(source="view", allow_null=True)
    controls = RiskControlSerializer(many=True)
    assurances = RiskAssuranceSerializer(many=True)
    gaps = RiskGapSerializer(many=True)
