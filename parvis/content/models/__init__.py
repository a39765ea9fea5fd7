"""Content types of the portal: import them from ``parvis.content.models``."""

from parvis.content.models.doors import DoorLink, DoorPage
from parvis.content.models.pages import (
    FicheIndexPage,
    FichePage,
    FichePlace,
    HomePage,
    ParcoursIndexPage,
    ParcoursPage,
    ParcoursStep,
    StandardPage,
)
from parvis.content.models.places import (
    LieuIndexPage,
    LieuKind,
    LieuPage,
    OpeningException,
    OpeningRule,
)
from parvis.content.models.projects import CityProjectIndexPage, CityProjectPage, ProjectStatus
from parvis.content.models.stories import (
    ActualiteIndexPage,
    ActualitePage,
    RecitIndexPage,
    RecitPage,
)
from parvis.content.models.taxonomy import Audience, Commune, Quartier, Service, Theme, Zone

__all__ = [
    "ActualiteIndexPage",
    "ActualitePage",
    "Audience",
    "CityProjectIndexPage",
    "CityProjectPage",
    "Commune",
    "DoorLink",
    "DoorPage",
    "FicheIndexPage",
    "FichePage",
    "FichePlace",
    "HomePage",
    "LieuIndexPage",
    "LieuKind",
    "LieuPage",
    "OpeningException",
    "OpeningRule",
    "ParcoursIndexPage",
    "ParcoursPage",
    "ParcoursStep",
    "ProjectStatus",
    "Quartier",
    "RecitIndexPage",
    "RecitPage",
    "Service",
    "StandardPage",
    "Theme",
    "Zone",
]
