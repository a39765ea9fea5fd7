"""Back-office registration of the taxonomies as Wagtail snippets, grouped in one menu."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from parvis.content.models import Audience, Commune, Quartier, Service, Theme, Zone
from parvis.content.selectors import fiches_needing_review
from parvis.content.service_work import service_work_move, service_work_open


class QuartierViewSet(SnippetViewSet):
    model = Quartier
    icon = "site"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class AudienceViewSet(SnippetViewSet):
    model = Audience
    icon = "group"
    list_display = ["name", "slug"]


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class ServiceViewSet(SnippetViewSet):
    model = Service
    icon = "user"
    list_display = ["name", "email", "phone"]
    search_fields = ["name"]


class CommuneViewSet(SnippetViewSet):
    model = Commune
    icon = "home"
    list_display = ["name", "insee_code", "site"]
    search_fields = ["name"]


class ZoneViewSet(SnippetViewSet):
    """Zones of the answers that depend on an address (collection sectors…)."""

    model = Zone
    icon = "table"
    list_display = ["zone_set", "name"]
    list_filter = ["zone_set"]
    search_fields = ["name", "streets"]


class TaxonomyGroup(SnippetViewSetGroup):
    items = (
        QuartierViewSet,
        CommuneViewSet,
        ZoneViewSet,
        AudienceViewSet,
        ThemeViewSet,
        ServiceViewSet,
    )
    menu_icon = "folder-open-inverse"
    menu_label = _("Classements")
    menu_name = "taxonomies"


register_snippet(TaxonomyGroup)


class FichesToReviewPanel(Component):
    """Dashboard panel: the Fiches nobody has re-read for more than a year, oldest first."""

    name = "fiches_to_review"
    template_name = "content/admin/fiches_to_review_panel.html"
    order = 150

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        context = super().get_context_data(parent_context)
        stale = fiches_needing_review()
        context["total"] = stale.count()
        context["fiches"] = stale[:10]
        return context


@hooks.register("construct_homepage_panels")
def add_fiches_to_review_panel(request: HttpRequest, panels: list[Component]) -> None:
    if request.user.has_perm("wagtailadmin.access_admin"):
        panels.append(FichesToReviewPanel())


# --- a service with open work is not deleted until its work moves ---------------------------


@hooks.register("before_delete_snippet")
def refuse_to_orphan_a_services_work(
    request: HttpRequest, instances: list[object]
) -> HttpResponse | None:
    """Deleting a service that still has conversations or report categories is refused, with
    a link to the form that moves them (single and bulk deletion alike)."""
    for instance in instances:
        if not isinstance(instance, Service):
            continue
        work = service_work_open(service=instance)
        if work:
            what = ", ".join(f"{count} {label}" for label, count in work)
            messages.error(
                request,
                gettext(
                    "Le service « %(service)s » ne peut pas être supprimé : il a encore "
                    "%(work)s. Confiez-les d'abord à un autre service."
                )
                % {"service": instance, "work": what},
            )
            return HttpResponseRedirect(reverse("service_work_move", args=[instance.pk]))
    return None


class ServiceWorkMoveForm(forms.Form):
    target = forms.ModelChoiceField(
        label=_("Service qui reprend le travail"), queryset=Service.objects.none()
    )

    def __init__(self, *args: Any, source: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Service.objects.exclude(pk=source.pk).order_by("name")


def service_work_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the service that takes over another's conversations and report categories."""
    if not request.user.has_perm("content.delete_service"):
        raise PermissionDenied
    source = Service.objects.filter(pk=pk).first()
    if source is None:
        raise Http404
    form = ServiceWorkMoveForm(request.POST or None, source=source)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        moved = service_work_move(source=source, target=target)
        messages.success(
            request,
            gettext(
                "%(n)d éléments confiés au service « %(target)s ». "
                "Vous pouvez supprimer « %(source)s »."
            )
            % {"n": moved, "target": target, "source": source},
        )
        return HttpResponseRedirect(reverse("wagtailsnippets_content_service:delete", args=[pk]))
    context = {
        "source": source,
        "work": service_work_open(service=source),
        "form": form,
        "page_title": gettext("Confier le travail d'un service"),
        "header_icon": "user",
    }
    return render(
        request,
        "content/admin/service_work_move.html",
        context,
        status=400 if form.is_bound else 200,
    )


@hooks.register("register_admin_urls")
def register_service_work_urls() -> list:
    return [
        path(
            "services/<int:pk>/confier-le-travail/",
            service_work_move_view,
            name="service_work_move",
        )
    ]


@hooks.register("before_serve_page")
def serve_translation_in_interface_language(
    page: Any, request: HttpRequest, serve_args: Any, serve_kwargs: Any
) -> HttpResponse | None:
    """A French page asked for under ``/en/`` that has a live English translation: go to the
    translation (the visitor asked for English; untranslated pages are served as they are,
    with the English interface)."""
    from parvis.content.models.urls import translation_for_interface

    translation = translation_for_interface(page)
    if translation is None:
        return None
    url = translation.get_url(request)
    return HttpResponseRedirect(url) if url and url != request.path else None
