"""The production image (Dockerfile, used by every app service of docker-compose.yml) holds
every program the app runs: node with bpmnlint and .bpmnlintrc for the modeler's deploy
gate, WeasyPrint's pango and fonts, the models. No Docker engine runs on the test machines,
so these checks read the two files; they do not build the image."""
import posixpath
import re
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
# The app's own modules that start another program, and what that program needs in the image.
PROGRAMS = {"app/services/modelling/bpmnlint.py": "bpmnlint (node_modules/.bin/bpmnlint, run by node)"}
# What WeasyPrint loads (weasyprint/text/ffi.py): pango and pangoft2, which bring harfbuzz,
# fontconfig and gobject with them as Debian dependencies.
WEASYPRINT_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0")


def _stages() -> list[dict]:
    """The Dockerfile's stages, each with its base image, name and instructions."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    stages = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            words = args.split()
            stages.append({"image": words[0], "name": words[2] if len(words) > 2 else None, "steps": []})
        else:
            stages[-1]["steps"].append((keyword, args.strip()))
    return stages


def _runtime() -> dict:
    return _stages()[-1]


def _workdir(stage: dict) -> str:
    return [args for keyword, args in stage["steps"] if keyword == "WORKDIR"][-1]


def _env(stage: dict) -> dict[str, str]:
    env = {}
    for keyword, args in stage["steps"]:
        if keyword == "ENV":
            env.update(word.split("=", 1) for word in shlex.split(args))
    return env


def _copies(stage: dict) -> list[tuple[str | None, list[str], str]]:
    """(source stage or None for the build context, sources, destination) of each COPY."""
    copies = []
    for keyword, args in stage["steps"]:
        if keyword == "COPY":
            words = args.split()
            origin = next((w.removeprefix("--from=") for w in words if w.startswith("--from=")), None)
            paths = [w for w in words if not w.startswith("--")]
            copies.append((origin, paths[:-1], paths[-1]))
    return copies


def _in_image(stage: dict, source: str, *, origin: str | None = None) -> str | None:
    """Where `source` lands in the image (absolute), or None if it is not copied."""
    for copy_origin, sources, destination in _copies(stage):
        if copy_origin == origin and source in sources:
            target = posixpath.normpath(posixpath.join(_workdir(stage), destination))
            into_directory = len(sources) > 1 or destination.endswith("/")
            return f"{target}/{posixpath.basename(source)}" if into_directory else target
    return None


def _apt_packages(stage: dict) -> set[str]:
    packages = set()
    for keyword, args in stage["steps"]:
        for command in re.findall(r"apt-get install ([^&;]+)", args) if keyword == "RUN" else []:
            packages |= {w for w in command.split() if not w.startswith("-")}
    return packages


def _node_stage() -> dict:
    [stage] = [s for s in _stages() if s["image"].startswith("node:")]
    return stage


def test_the_node_stage_installs_exactly_the_locked_npm_packages():
    stage = _node_stage()
    assert stage["name"], "the node stage needs a name so the runtime can copy from it"
    copied = {p for origin, sources, _ in _copies(stage) if origin is None for p in sources}
    assert {"package.json", "package-lock.json"} <= copied
    assert any(keyword == "RUN" and re.search(r"\bnpm ci\b", args) for keyword, args in stage["steps"])


def test_the_runtime_has_node_bpmnlint_and_its_rules_where_the_app_looks():
    runtime, node = _runtime(), _node_stage()
    workdir, env = _workdir(runtime), _env(runtime)
    # The app runs from the work directory (PROJECT_ROOT = where app/ is), so .bpmnlintrc
    # and node_modules must sit beside app/ there.
    assert env.get("PYTHONPATH") == workdir
    assert _in_image(runtime, "app") == f"{workdir}/app"
    assert _in_image(runtime, ".bpmnlintrc") == f"{workdir}/.bpmnlintrc"
    node_modules = _in_image(runtime, f"{_workdir(node)}/node_modules", origin=node["name"])
    assert node_modules == env.get("DUMAS_NODE_MODULES", f"{workdir}/node_modules") == f"{workdir}/node_modules"
    assert "DUMAS_BPMNLINT" not in env  # the default: node_modules/.bin/bpmnlint
    # bpmnlint starts with `#!/usr/bin/env node`: node must be on the PATH of the runtime.
    node_binary = _in_image(runtime, "/usr/local/bin/node", origin=node["name"])
    assert node_binary == "/usr/local/bin/node" or "nodejs" in _apt_packages(runtime)
    # The node binary is linked against the node image's Debian: the same release here.
    release = node["image"].rsplit("-", 2)[-2] if node_binary else None
    assert release is None or release in runtime["image"], (node["image"], runtime["image"])


def test_every_program_the_app_starts_is_declared_here():
    starting = {str(p.relative_to(ROOT)) for p in (ROOT / "app").rglob("*.py")
                if re.search(r"\bsubprocess\.(run|Popen|call|check_call|check_output)\b|\bos\.system\(", p.read_text())}
    assert starting == set(PROGRAMS), (
        "a module starts another program: say here what it needs and install it in the Dockerfile")
    assert "node_modules/.bin/bpmnlint" in (ROOT / "app/services/modelling/bpmnlint.py").read_text()


def test_weasyprint_finds_pango_and_fonts():
    assert any("weasyprint" in p.read_text() for p in (ROOT / "app").rglob("*.py"))
    packages = _apt_packages(_runtime())
    assert set(WEASYPRINT_PACKAGES) <= packages
    assert any(p.startswith("fonts-") for p in packages)


def test_the_models_migrations_and_translations_are_in_the_image():
    runtime = _runtime()
    workdir, env = _workdir(runtime), _env(runtime)
    models_dir = env.get("DUMAS_MODELS_DIR", workdir)
    for directory in ("bpmn", "dmn", "forms"):
        assert _in_image(runtime, directory) == f"{models_dir}/{directory}"
    assert _in_image(runtime, "migrations") == f"{workdir}/migrations"
    assert any(keyword == "RUN" and "pybabel compile" in args for keyword, args in runtime["steps"])


def test_the_build_context_keeps_the_sources_and_leaves_out_the_local_node_modules():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert "node_modules" in ignored  # a local copy (or symlink) would shadow npm ci's
    copied = {p.split("/")[0] for origin, sources, _ in _copies(_runtime()) if origin is None for p in sources}
    assert copied >= {".bpmnlintrc", "app", "bpmn", "dmn", "forms", "migrations"}
    assert not copied & ignored


def test_every_app_service_of_the_compose_file_runs_this_image_unchanged():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    app_services = {name: s for name, s in compose["services"].items() if "image" not in s}
    assert {"web", "worker", "beat", "migrate"} <= set(app_services)
    workdir = _workdir(_runtime())
    for name, service in app_services.items():
        assert service.get("build") == ".", name
        environment = service.get("environment") or {}
        assert not {"DUMAS_NODE_MODULES", "DUMAS_BPMNLINT", "DUMAS_MODELS_DIR", "PYTHONPATH"} & set(environment), name
        # A volume over the work directory would hide node_modules, .bpmnlintrc and the models.
        for volume in service.get("volumes") or []:
            assert not str(volume).split(":")[1].startswith(workdir), (name, volume)
