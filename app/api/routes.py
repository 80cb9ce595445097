from app.api import bp


@bp.get("/openapi.json")
def openapi():
    return {"openapi": "3.1.0", "info": {"title": "Dumas", "version": "1"}, "paths": {}}
