from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from parvis.answers import views as answers_views
from parvis.api import api
from parvis.certification import urls as certification_urls
from parvis.conversation import views as conversation_views
from parvis.core import views as core_views
from parvis.federation import views as federation_views
from parvis.listening import urls as listening_urls
from parvis.mydata.urls import register_urlpatterns as data_register_urls
from parvis.screens import views as screens_views
from parvis.staff import oidc as staff_oidc
from parvis.staff import views as staff_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    path(".well-known/security.txt", core_views.security_txt, name="security_txt"),
    path(".well-known/webfinger", federation_views.webfinger, name="federation_webfinger"),
    path(".well-known/nodeinfo", federation_views.nodeinfo_links, name="federation_nodeinfo_links"),
    path("nodeinfo/2.0", federation_views.nodeinfo, name="federation_nodeinfo"),
    path("federation/", include("parvis.federation.urls")),
    path("code-source/parvis.tar.gz", core_views.source_code_archive, name="source_archive"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("opensearch.xml", answers_views.opensearch, name="opensearch"),
    # Before Wagtail's admin, so that its password reset gets Parvis' rate limits.
    path(
        "admin/password_reset/",
        staff_views.PasswordResetView.as_view(),
        name="wagtailadmin_password_reset",
    ),
    path("admin/logout/", staff_oidc.LogoutView.as_view(), name="wagtailadmin_logout"),
    path("admin/sso/", staff_oidc.LoginView.as_view(), name="staff_oidc_login"),
    path("admin/sso/retour/", staff_oidc.CallbackView.as_view(), name="staff_oidc_callback"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("", include("parvis.certification.urls")),
    path("open311/v2/", include("parvis.reports.open311.urls")),
    *listening_urls.webhook_urlpatterns,
    path("ecran/", include("parvis.screens.urls")),
    path("adresses/completer/", core_views.address_complete, name="address_complete"),
    path("adresses/position/", core_views.address_reverse, name="address_reverse"),
]

urlpatterns += i18n_patterns(
    path("recherche/", answers_views.search, name="search"),
    path("code-source/", core_views.source_code, name="source_code"),
    path("", include(certification_urls.interface_urlpatterns)),
    path("signalements/", include("parvis.reports.urls")),
    path("questions/", include("parvis.listening.results_urls")),
    # The screens' prefix; each screen's display (/ecran/<slug>/) is French only, above.
    path("ecran/", screens_views.screen_index, name="screens_index"),
    path("", include("parvis.listening.urls")),
    path("", include("parvis.discovery.urls")),
    path("assistant/", include("parvis.conversation.urls")),
    path("mes-donnees/", include("parvis.mydata.urls")),
    path(
        "donnees-personnelles/registre/",
        include((data_register_urls, "data_register"), namespace="data_register"),
    ),
    path("recherche/avis/", answers_views.feedback, name="answers_feedback"),
    path("recherche/agent/", conversation_views.ask_agent, name="answers_agent_question"),
    path("", include("parvis.audience.urls")),
    path("fediverse/<slug:username>/", federation_views.profile, name="federation_profile"),
    path("confirmer-adresse/<str:token>/", core_views.address_confirm_view, name="address_confirm"),
    path("", include("parvis.networks.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler404 = "parvis.core.views.page_not_found"
handler500 = "parvis.core.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
