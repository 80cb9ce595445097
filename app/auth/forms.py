from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired


class LoginForm(FlaskForm):
    username = StringField(_l("Nama pengguna"), validators=[DataRequired(_l("Wajib diisi."))])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(_l("Wajib diisi."))])
