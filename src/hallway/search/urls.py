from django.urls import path

from hallway.schedule.publication import public_page
from hallway.search import views

app_name = "search"

urlpatterns = [
    path(
        "<slug:event>/search/",
        public_page(params=views.PARAMS)(views.search),
        name="search",
    ),
]
