from django.urls import path

from egov.kernel.accounts import views

app_name = "accounts"

public_urlpatterns = [
    path("accounts/register/", views.register_view, name="register"),
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/sms-code/", views.sms_code_view, name="sms_code"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/profile/", views.profile_view, name="profile"),
    path("accounts/preferences/", views.preferences_view, name="preferences"),
    path("accounts/sign-out-everywhere/", views.sign_out_everywhere_view, name="sign_out_everywhere"),
    path("accounts/password/", views.password_view, name="password"),
]

office_urlpatterns = [
    path("office/login/", views.office_login_view, name="office_login"),
    path("office/login/verify/", views.office_verify_view, name="office_verify"),
    path("office/login/enroll/", views.office_enroll_view, name="office_enroll"),
    path("office/logout/", views.logout_view, name="office_logout"),
    path("office/password/", views.office_password_view, name="office_password"),
    path("office/sign-out-everywhere/", views.office_sign_out_everywhere_view, name="office_sign_out_everywhere"),
    path("office/people/<int:user_id>/reveal/<str:field>/", views.reveal_view, name="reveal"),
]
