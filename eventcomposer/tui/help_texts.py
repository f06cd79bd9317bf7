"""The composer's help texts (plain text: imported on the way to the first screen, unlike the
help screen itself, which renders Markdown)."""

GENERAL = """\
## eventcomposer
Compose PutEvents entries, send them to an event bus, and keep them as presets.
**F5** sends, **F2** switches the bus, **Ctrl+S** saves the preset, **Ctrl+P** opens the command
palette, **Tab** moves between panels, **Ctrl+Q** quits. Jump to a panel: **Alt+P** presets,
**Alt+E** the batch's entries, **Alt+S** the form (Source), **Alt+D** the Detail editor,
**Alt+R** the rules, **Alt+O** the results (outcomes). **Alt+N** starts a new batch, **Ctrl+R**
adds a resource.
"""


COMPOSER_HELP = """\
## Composer
Compose the entries of one PutEvents call (up to 10), then send them with **F5**.

- **F7** previews exactly what will be sent: variables such as `{{uuid}}` resolved, Detail
  compacted, sizes against the limit. **F5** sends; **F8** resends only the entries that
  failed and are known not to have been accepted.
- **F2** picks the bus; **Ctrl+B** shows or hides the rules panel: which rules on the bus
  match the entry as you type, why the others don't, and after a send on the local
  EventBridge, what each rule's target actually received.
- **Ctrl+S** / **F9** save the batch as a preset; **F6** opens the history of sends (reopen or
  resend); **Ctrl+O** imports AWS CLI `--entries` / `--cli-input-json` input; the command
  palette (**Ctrl+P**) also copies the batch as an `aws events put-events` command or a boto3
  snippet.
- **F3** formats the Detail; **F4** edits it in `$EDITOR`; **Ctrl+A** selects all of it (to
  paste over it), **Home** goes to the start of a line.
- **F10** adds an entry from a schema (a JSON Schema file or the Schema Registry) with a
  sample Detail; an entry whose preset or own `schema:` names one has its Detail checked
  against it as you type, each violation with its JSON path and line.
- **Ctrl+T** tails the batch's bus: what really arrives, which rules match it and why,
  captured as a preset with **c**; **Ctrl+G** lists the bus's archives and replays one.
"""
