from app.cases import bp
