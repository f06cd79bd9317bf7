"""Schemas in the composer: load the schemas entries name (files or the Schema Registry) and
check each Detail against its schema, all in the app's workers, handing the results to the
model (``Composer.set_schema`` / ``set_schema_result``), which shows them as problems of Detail
with their line; and "New entry from schema" (F10): the picker, and an entry whose Detail is
a sample.

Checking runs off the keystroke path: in the Detail editor's own validation worker (after its
debounce, only when the text is valid JSON) for the entry being edited, and in a worker of its
own for the other entries when a schema arrives. jsonschema takes ~0.2 s on a 1 MiB Detail.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventcomposer.core.entries import Entry

if TYPE_CHECKING:
    from eventcomposer.aws.schema_registry import SchemaSources
    from eventcomposer.core.schemas import Schema, Violation
    from eventcomposer.tui.app import EventComposerApp
    from eventcomposer.tui.screens.schema_picker import SchemaPickerScreen


class SchemaController:
    """Loads schemas and checks Details for the app's model; lists the registry for the
    picker. Every call to ``aws/`` and every file read happens in a worker."""

    def __init__(self, app: EventComposerApp) -> None:
        self.app = app
        self._sources: SchemaSources | None = None
        self._loading: set[str] = set()
        self._installed = False
        #: The file typed last in the picker, offered again.
        self.last_file = ""

    # -- where schemas come from (call in a worker) ------------------------------------------

    def sources(self) -> SchemaSources:
        from eventcomposer.aws.schema_registry import SchemaSources

        if self._sources is None:
            self._sources = SchemaSources(self.app.backend.active or self.app.settings)
        return self._sources

    @property
    def near(self) -> Path:
        """Where relative schema files are looked for: beside the open preset (and the folders
        above it), else in the presets folder (and above)."""
        return self.app.state.preset_path or self.app.presets_dir

    def _attempt(self, work: Callable[[], Any], failed: Callable[[str], object]) -> Any:
        """``work()``, or None after handing why it failed to ``failed`` (on the UI thread)."""
        from eventcomposer.aws.errors import AwsProblem
        from eventcomposer.core.schemas import SchemaError
        from eventcomposer.tui.backend import problem_text

        try:
            return work()
        except SchemaError as exc:
            self.app.backend.to_ui(failed, str(exc))
        except AwsProblem as exc:
            self.app.backend.to_ui(failed, problem_text(exc))
        except Exception as exc:  # a bug must not take the composer down
            self.app.backend.to_ui(failed, f"{type(exc).__name__}: {exc}")
        return None

    # -- the model's schemas and checks ----------------------------------------------------------

    def refresh(self) -> None:
        """Load the schemas the batch names and not yet loaded, and check what is unchecked
        (after a preset is opened, a draft restored, the presets listed)."""
        self._install()
        for ref in self.app.state.needed_schemas():
            if ref not in self._loading:
                self._load(ref)
        self.check_pending()

    def _install(self) -> None:
        """Check the edited entry's Detail in the Detail editor's validation worker too."""
        if self._installed:
            return
        try:
            editor = self.app.editor
        except RuntimeError:
            return
        inner = editor.validator

        def validator(text: str) -> Any:
            result = inner(text)
            if result.problem is None:
                self._check_edited(text)
            return result

        editor.validator = validator
        self._installed = True

    def _check_edited(self, text: str) -> None:
        """In the editor's worker: the selected entry's Detail ``text`` against its schema."""
        state = self.app.state
        ref = state.schema_ref()
        schema = state.schemas.get(ref) if ref else None
        if ref is None or schema is None:
            return
        violations = self._violations(ref, schema, text)
        if violations is not None:
            self.app.backend.to_ui(self._checked, state.entry_id, ref, text, violations)

    def _violations(self, ref: str, schema: Schema, text: str) -> list[Violation] | None:
        """In a worker: the violations of Detail ``text``; None (and said) if the schema can't
        be used (a reference it can't resolve)."""
        from eventcomposer.core.composer import detail_violations

        return self._attempt(
            lambda: detail_violations(schema, text), lambda why: self._failed(ref, why)
        )

    def _load(self, ref: str) -> None:
        self._loading.add(ref)
        near = self.near

        def work() -> None:
            schema = self._attempt(
                lambda: self.sources().load(ref, near), lambda why: self._failed(ref, why)
            )
            if schema is not None:
                self.app.backend.to_ui(self._loaded, ref, schema)

        self.app.backend.run(work, f"schema-load-{ref}", exclusive=False)

    def _loaded(self, ref: str, schema: Schema) -> None:
        self._loading.discard(ref)
        self.app.state.set_schema(ref, schema)
        self.check_pending()

    def _failed(self, ref: str, why: str) -> None:
        self._loading.discard(ref)
        self.app.set_status(f"Detail not checked against schema {ref}: {why}", error=True)

    def check_pending(self) -> None:
        """Check (in a worker) every entry whose Detail has not been checked as it now reads."""
        state = self.app.state
        pending = [p for i in range(len(state.entries)) if (p := state.schema_pending(i))]
        if not pending:
            return

        def work() -> None:
            for entry_id, ref, text, schema in pending:
                violations = self._violations(ref, schema, text)
                if violations is not None:
                    self.app.backend.to_ui(self._checked, entry_id, ref, text, violations)

        self.app.backend.run(work, "schema-check")

    async def _checked(
        self, entry_id: int, ref: str, text: str, violations: list[Violation]
    ) -> None:
        if self.app.state.set_schema_result(entry_id, ref, text, violations):
            await self.app.show_state()

    # -- new entry from schema ------------------------------------------------------------------

    def new_entry(self) -> None:
        """F10: the schema picker, then an entry whose Detail is a sample of the schema."""
        from eventcomposer.tui.screens.schema_picker import SchemaPickerScreen

        state = self.app.state
        if not state.can_add:
            self.app.notify(
                f"One PutEvents call takes at most {state.max_entries} entries.",
                severity="warning",
            )
            return
        self._install()
        self.app.push_screen(SchemaPickerScreen(self, self.last_file), self._picked)

    def _picked(self, ref: str | None) -> None:
        if not ref:
            return
        from eventcomposer.core.schemas import is_file_ref

        if is_file_ref(ref):
            self.last_file = ref
        near = self.near
        self.app.set_status(f"Making a sample of {ref}…")

        def work() -> None:
            from eventcomposer.core.samples import sample_details, sample_names

            def make() -> tuple[Schema, Any, tuple[str, str, str]]:
                schema = self.sources().load(ref, near)
                seed = random.SystemRandom().randrange(10**6)
                return schema, sample_details(schema, 1, seed)[0], sample_names(schema)

            made = self._attempt(make, lambda why: self._sample_failed(ref, why))
            if made is not None:
                self.app.backend.to_ui(self._add_sample, ref, *made)

        self.app.backend.run(work, "schema-sample")

    def _sample_failed(self, ref: str, why: str) -> None:
        self.app.set_status(f"No entry from {ref}: {why}", error=True)

    async def _add_sample(
        self, ref: str, schema: Schema, detail: Any, names: tuple[str, str, str]
    ) -> None:
        app, state = self.app, self.app.state
        app.commit_edits()
        if not state.can_add:
            app.notify(f"One PutEvents call takes at most {state.max_entries} entries.")
            return
        state.set_schema(ref, schema)
        source, detail_type, note = names
        entry = Entry(
            source=source,
            detail_type=detail_type,
            detail=json.dumps(detail, ensure_ascii=False, indent=2),
            schema=ref,
        )
        state.add(entry)
        await app.show_state(reload=True)
        app.set_status(f"Added a sample of {ref}." + (f" {note}." if note else ""))
        self.check_pending()

    # -- listing the registry for the picker ----------------------------------------------------

    def list_registries(self, screen: SchemaPickerScreen) -> None:
        def work() -> None:
            found = self._attempt(lambda: self.sources().registry.registries(), screen.show_error)
            if found is not None:
                self.app.backend.to_ui(screen.show_registries, [r.name for r in found])

        self.app.backend.run(work, "schema-registries")

    def list_schemas(self, screen: SchemaPickerScreen, registry: str) -> None:
        def work() -> None:
            found = self._attempt(
                lambda: self.sources().registry.schemas(registry), screen.show_error
            )
            if found is not None:
                self.app.backend.to_ui(screen.show_schemas, registry, [s.name for s in found])

        self.app.backend.run(work, "schema-names")

    def list_versions(self, screen: SchemaPickerScreen, registry: str, name: str) -> None:
        def work() -> None:
            found = self._attempt(
                lambda: self.sources().registry.versions(registry, name), screen.show_error
            )
            if found is not None:
                versions = [v.version for v in found]
                self.app.backend.to_ui(screen.show_versions, registry, name, versions)

        self.app.backend.run(work, "schema-versions")
