"""Machine endpoints of the transparency log (one address), and the verify page (per language)."""

from django.urls import path

from parvis.certification import views

urlpatterns = [
    path(".well-known/parvis/keys.json", views.keys_json, name="certification_keys"),
    path("transparence/checkpoint", views.checkpoint, name="certification_checkpoint"),
    path("transparence/entries/<int:index>", views.entry, name="certification_entry"),
    path("transparence/bundle/<int:index>.json", views.bundle, name="certification_bundle"),
    path("transparence/proof/inclusion", views.inclusion_proof, name="certification_inclusion"),
    path(
        "transparence/proof/consistency",
        views.consistency_proof,
        name="certification_consistency",
    ),
    path("transparence/lookup", views.lookup, name="certification_lookup"),
]

# Pages residents read, in every interface language (``/verifier/``, ``/en/verifier/``).
interface_urlpatterns = [
    path("verifier/", views.verify_page, name="certification_verify"),
]
