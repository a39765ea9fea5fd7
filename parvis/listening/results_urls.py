"""Public read side of field questions: ``/questions/…`` (results, open data, feeds, signs)."""

from django.urls import path

from parvis.listening import open_data, results_views, sign_views

app_name = "listening_results"
urlpatterns = [
    path("", results_views.questions_index, name="index"),
    path("donnees.json", open_data.opendata_json, name="opendata_json"),
    path("donnees.csv", open_data.opendata_csv, name="opendata_csv"),
    path("rss/", open_data.QuestionsFeed(), name="feed_rss"),
    path("atom/", open_data.QuestionsAtomFeed(), name="feed_atom"),
    path("quartier/<slug:slug>/rss/", open_data.QuartierQuestionsFeed(), name="quartier_feed_rss"),
    path(
        "quartier/<slug:slug>/atom/",
        open_data.QuartierQuestionsAtomFeed(),
        name="quartier_feed_atom",
    ),
    path("<str:code>/", results_views.question_detail, name="detail"),
    path("<str:code>/affiche-<str:paper>.pdf", sign_views.question_sign, name="sign"),
]
