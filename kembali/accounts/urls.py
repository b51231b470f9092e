from django.urls import path

from kembali.accounts import views, views_lockout, views_totp

app_name = "accounts"
urlpatterns: list = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("locked/", views_lockout.locked_accounts, name="locked"),
    path("locked/unlock/", views_lockout.unlock, name="unlock"),
    path("two-step/", views_totp.verify, name="totp_verify"),
    path("two-step/set-up/", views_totp.enrol, name="totp_enrol"),
]
