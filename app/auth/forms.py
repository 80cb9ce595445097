from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from app.services.organisation.accounts import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    username = StringField(_l("Nama pengguna"), validators=[DataRequired(_l("Wajib diisi."))])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(_l("Wajib diisi."))])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Kata sandi saat ini"), validators=[DataRequired(_l("Wajib diisi."))])
    new = PasswordField(_l("Kata sandi baru"), validators=[
        DataRequired(_l("Wajib diisi.")),
        Length(min=MIN_PASSWORD_LENGTH, message=_l("Kata sandi minimal %(min)d karakter.")),
    ])
    confirm = PasswordField(_l("Ulangi kata sandi baru"), validators=[
        DataRequired(_l("Wajib diisi.")),
        EqualTo("new", message=_l("Kedua kata sandi baru tidak sama.")),
    ])

    def validate_new(self, field):
        if field.data and field.data == self.current.data:
            raise ValidationError(_l("Kata sandi baru harus berbeda dari kata sandi saat ini."))


class EmailForm(FlaskForm):
    email = StringField(_l("Email"), validators=[Length(max=255, message=_l("Paling banyak %(max)d karakter."))])
    current = PasswordField(_l("Kata sandi saat ini"), validators=[DataRequired(_l("Wajib diisi."))])


class NewPasswordForm(FlaskForm):
    """Setting a password through a one-time link: no current password to give."""
    new = PasswordField(_l("Kata sandi baru"), validators=[
        DataRequired(_l("Wajib diisi.")),
        Length(min=MIN_PASSWORD_LENGTH, message=_l("Kata sandi minimal %(min)d karakter.")),
    ])
    confirm = PasswordField(_l("Ulangi kata sandi baru"), validators=[
        DataRequired(_l("Wajib diisi.")),
        EqualTo("new", message=_l("Kedua kata sandi baru tidak sama.")),
    ])
