"""A question's project is one of the city's projects, not any page of the site."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page

from parvis.content.models import CityProjectPage, FichePage
from parvis.listening.tests.conftest import make_question

pytestmark = pytest.mark.django_db


def test_a_city_project_is_accepted_as_the_question_s_project():
    project = CityProjectPage.objects.live().first()
    question = make_question(code="PROJ1", project=Page.objects.get(pk=project.pk))
    assert question.project.specific == project


def test_another_kind_of_page_is_refused_with_a_message_on_the_field():
    fiche = FichePage.objects.live().first()
    with pytest.raises(ValidationError) as refused:
        make_question(code="PROJ2", project=Page.objects.get(pk=fiche.pk))
    assert "project" in refused.value.message_dict
