from django.urls import path

from kembali.core import views

app_name = "core"
urlpatterns: list = [
    path("", views.home, name="home"),
]
