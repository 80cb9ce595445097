from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired


class RollbackForm(FlaskForm):
    confirm = BooleanField(
        _l("Saya mengerti: kasus baru akan memakai versi ini, kasus yang berjalan tetap pada versinya."),
        validators=[DataRequired(_l("Centang konfirmasi untuk memulihkan versi ini."))],
    )
