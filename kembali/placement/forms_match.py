"""The form of the vacancy skills page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kembali.placement.models import Skill


class SkillChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.local_name


class VacancySkillsForm(forms.Form):
    skills = SkillChoiceField(
        label=_("Skills the job asks for"),
        help_text=_(
            "Tick every skill the employer asks for. Matching shows a candidate's missing "
            "skills from this list."
        ),
        queryset=Skill.objects.filter(is_active=True).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
