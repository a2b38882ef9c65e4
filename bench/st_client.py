"""One Streamlit session over its websocket, without a browser: the load bench's light visitor.

A browser tab costs a whole renderer (parsing Streamlit's JavaScript, laying out, drawing charts);
on a small machine thirty of them starve the very server they are meant to measure. This client
speaks the protocol a tab speaks instead (Streamlit 1.67, ``lib/streamlit/proto``), so dozens of
sessions run in one asyncio process for a few MB each:

* it asks ``/_stcore/health`` and ``/_stcore/host-config`` as the page does, then opens
  ``ws://HOST/_stcore/stream`` with the ``streamlit`` subprotocol and a ``Cookie`` header (the
  server copies the handshake's cookies and headers into ``st.context``, which is how the app
  sees a visitor's ``cnn_studio_vid`` cookie);
* it sends ``BackMsg.rerun_script`` with a ``ClientState``: the query string, the page (by
  ``page_name`` = the URL path on the first open, by ``page_script_hash`` once the server's
  ``navigation`` message has told us the hashes, as a sidebar click does) and widget states;
* it reads ``ForwardMsg``s until ``script_finished`` for that run, keeping the elements by their
  delta path, so widgets can be found by their user ``key`` (a keyed widget's id is
  ``$$ID-<hash>-<key>``) and texts can be read; ``Exception`` elements (the red boxes a visitor
  would see), ``page_not_found``, compile errors and the session's running status are recorded;
* it changes a widget's value or presses a button (``trigger_value``) and times that rerun;
* on request it answers the fragments' ``auto_rerun`` timers (``st.fragment(run_every=...)``) as
  an open tab does, and it keeps the browser's message cache (``cached_message_hashes`` /
  ``ref_hash``) so the server sends what it would send to a browser.

What it does NOT measure: the browser's own work (downloading and parsing Streamlit's JavaScript
bundle and static files, laying the page out, drawing Plotly charts and images, which together
are most of what a visitor waits for on a slow laptop), the media files an image element points
to (``/media/...``, fetched by a browser in separate requests), the network between a visitor and
the server (everything here is on 127.0.0.1), and the ``Origin``/XSRF checks (no ``Origin`` is
sent, which the server allows; XSRF only guards Streamlit's own login cookies, which the app does
not use). Widget states: a tab sends every widget's value on each rerun; this client sends only
the values it changed (the server keeps the others from the previous run, so the script sees the
same values). Timings are "script finished on the server, as seen by the client": the time from
sending a rerun to receiving its ``script_finished``.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Slider_pb2 import Slider
from streamlit.proto.WidgetStates_pb2 import WidgetState

# The frontend's own names for the four ways a run ends (ForwardMsg.ScriptFinishedStatus).
FINISHED = "finished"
COMPILE_ERROR = "compile_error"
EARLY_FOR_RERUN = "rerun"
FRAGMENT_FINISHED = "fragment_finished"
_STATUS = {
    ForwardMsg.FINISHED_SUCCESSFULLY: FINISHED,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR: COMPILE_ERROR,
    ForwardMsg.FINISHED_EARLY_FOR_RERUN: EARLY_FOR_RERUN,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: FRAGMENT_FINISHED,
}
# The browser keeps a bounded cache of big messages; past this many we stop offering old ones.
_CACHE_LIMIT = 2000
# Element kinds whose text a visitor reads, and the fields holding it.
_TEXT_FIELDS = {
    "markdown": ("body",),
    "heading": ("body",),
    "alert": ("title", "body"),
    "text": ("body",),
    "metric": ("label", "body", "delta"),
    "code": ("code_text",),
    "exception": ("type", "message"),
}


class ProtocolError(RuntimeError):
    """The server closed the session or sent something this client cannot follow."""


@dataclass
class Run:
    """What one rerun did: how it ended, how long it took, and what went wrong in it."""

    status: str | None = None  # FINISHED, COMPILE_ERROR, FRAGMENT_FINISHED; None until it ends
    seconds: float = 0.0
    exceptions: list[str] = field(default_factory=list)
    page_not_found: str | None = None  # the page name the server did not know ("" for a hash)
    restarts: int = 0  # runs that ended early for a rerun (st.rerun) before this one finished

    @property
    def ok(self) -> bool:
        return self.status in (FINISHED, FRAGMENT_FINISHED) and not self.exceptions


@dataclass
class Widget:
    """A widget of the current page: its user key, element id, kind and current value."""

    key: str
    id: str
    kind: str  # the Element field: "slider", "select_slider", "button", "number_input", ...
    proto: Any
    value: Any


@dataclass
class _Waiter:
    fragment: bool
    sent: float
    future: asyncio.Future
    run: Run = field(default_factory=Run)
    run_ids: set = field(default_factory=set)


def user_key(element_id: str) -> str | None:
    """The user ``key`` inside a widget's element id (``$$ID-<hash>-<key>``), if it has one."""
    if not element_id.startswith("$$ID-"):
        return None
    key = element_id.split("-", 2)[-1]
    return None if key == "None" else key


def new_visitor_id() -> str:
    """A fresh visitor id shaped like the app's own (32 URL-safe characters, never "-" first)."""
    while True:
        vid = secrets.token_urlsafe(24)
        if not vid.startswith("-"):
            return vid


def _widget_kind(element) -> tuple[str, Any] | None:
    kind = element.WhichOneof("type")
    if kind is None:
        return None
    proto = getattr(element, kind)
    if not hasattr(proto, "id") or not proto.id:
        return None
    if kind == "slider" and proto.type == Slider.SELECT_SLIDER:
        kind = "select_slider"
    return kind, proto


def _shown_value(kind: str, proto) -> Any:
    """The value the page shows for a widget the client has not touched (server's view)."""
    if kind == "slider":
        values = list(proto.value if proto.set_value else proto.default)
        if proto.data_type == Slider.INT:
            values = [int(v) for v in values]
        return values[0] if len(values) == 1 else values
    if kind == "select_slider":
        if proto.set_value and proto.raw_value:
            labels = list(proto.raw_value)
        else:
            labels = [proto.options[int(i)] for i in proto.default]
        return labels[0] if len(labels) == 1 else labels
    if kind in ("radio", "selectbox"):
        if proto.set_value and proto.raw_value:
            return proto.raw_value
        return proto.options[proto.default] if proto.HasField("default") else None
    if kind == "number_input":
        value = proto.value if proto.set_value else proto.default
        return int(value) if proto.data_type == proto.INT else value
    if kind in ("checkbox", "text_input", "text_area"):
        return proto.value if proto.set_value else proto.default
    if kind == "button_group":
        if proto.set_value:
            return list(proto.raw_values)
        return [proto.options[i].content for i in proto.default]
    return None


def widget_state(widget: Widget, value: Any) -> WidgetState:
    """The ``WidgetState`` a browser sends when ``widget`` is set to ``value``.

    Raises:
        ValueError: for a widget kind this client does not know how to set.
    """
    state = WidgetState(id=widget.id)
    kind, proto = widget.kind, widget.proto
    listed = list(value) if isinstance(value, list | tuple) else [value]
    if kind == "slider":
        state.double_array_value.data[:] = [float(v) for v in listed]
    elif kind == "select_slider":
        state.string_array_value.data[:] = [str(v) for v in listed]
    elif kind in ("radio", "selectbox", "text_input", "text_area"):
        state.string_value = str(value)
    elif kind == "number_input":
        if proto.data_type == proto.INT:
            state.int_value = int(value)
        else:
            state.double_value = float(value)
    elif kind == "checkbox":
        state.bool_value = bool(value)
    elif kind == "button_group":
        state.string_array_value.data[:] = [str(v) for v in listed]
    else:
        raise ValueError(f"cannot set a {kind} widget ({widget.key!r})")
    return state


def neighbour(widget: Widget, steps: int = 1) -> Any:
    """The value one step away (a slider's next stop, a list's next option), as a hand would.

    At an end it goes the other way, so the value always changes.
    """
    kind, proto, value = widget.kind, widget.proto, widget.value
    if kind == "slider":
        current = value[0] if isinstance(value, list) else value
        low, high, step = proto.min, proto.max, proto.step or 1
        moved = current + steps * step
        if not low <= moved <= high:
            moved = current - steps * step
        return int(moved) if proto.data_type == Slider.INT else moved
    if kind in ("select_slider", "radio", "selectbox"):
        options = list(proto.options)
        current = value[0] if isinstance(value, list) else value
        index = options.index(current) + steps
        if not 0 <= index < len(options):
            index = options.index(current) - steps
        return options[index]
    if kind == "number_input":
        moved = value + steps * (proto.step or 1)
        if (proto.has_max and moved > proto.max) or (proto.has_min and moved < proto.min):
            moved = value - steps * (proto.step or 1)
        return moved
    if kind == "checkbox":
        return not value
    raise ValueError(f"no neighbouring value for a {kind} widget ({widget.key!r})")


class StreamlitSession:
    """One visitor's session: connect, open a page, change a widget, press a button, close.

    One action at a time per session (as one visitor clicks one thing at a time); many sessions
    run side by side in one event loop.
    """

    def __init__(
        self,
        base_url: str,
        *,
        cookies: dict[str, str] | None = None,
        query: str = "lang=en",
        locale: str = "en-US",
    ):
        self.base_url = base_url.rstrip("/")
        self.cookies = dict(cookies or {})
        self.query_string = query
        self.locale = locale
        self.page_hash = ""  # the page the server last ran (new_session / navigation)
        self.pages: dict[str, str] = {}  # URL path -> page_script_hash, from `navigation`
        self.exceptions: list[str] = []  # every exception a visitor would have seen
        self.pages_not_found: list[str] = []
        self.script_running = False  # session_status_changed.script_is_running
        self.connect_s = 0.0
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._closed: BaseException | None = None
        self._waiter: _Waiter | None = None
        self._lock = asyncio.Lock()
        # delta path -> (element, fragment id, run id that last drew it)
        self._elements: dict[tuple[int, ...], tuple[Any, str, str]] = {}
        self._current_run = ""  # the last run of any kind (deltas may not name theirs)
        self._fragment_ids: set[str] = set()
        self._states: dict[str, WidgetState] = {}  # sticky values this visitor has set
        self._cache: dict[str, ForwardMsg] = {}
        self._auto_reruns: dict[str, float] = {}  # fragment id -> interval (s)

    # --- connection ------------------------------------------------------------------------

    async def connect(self, timeout: float = 30.0) -> None:
        """Asks the two endpoints a page asks first, then opens the websocket."""
        from websockets.asyncio.client import connect

        t0 = time.perf_counter()
        for path in ("_stcore/health", "_stcore/host-config"):
            await asyncio.to_thread(self._get, f"{self.base_url}/{path}", timeout)
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        url = "ws" + self.base_url.removeprefix("http") + "/_stcore/stream"
        # No websocket pings: a busy server's event loop may not answer one in time, and a
        # browser does not send them either (Streamlit's own heartbeat is a BackMsg).
        self._ws = await connect(
            url,
            subprotocols=["streamlit"],
            additional_headers=headers,
            proxy=None,
            ping_interval=None,
            max_size=None,
            open_timeout=timeout,
        )
        self._reader = asyncio.create_task(self._read())
        self.connect_s = time.perf_counter() - t0

    @staticmethod
    def _get(url: str, timeout: float) -> None:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()

    async def close(self) -> None:
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    async def __aenter__(self) -> StreamlitSession:
        await self.connect()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    # --- what a visitor does ------------------------------------------------------------------

    async def open(self, page: str = "", *, timeout: float = 60.0) -> Run:
        """Opens ``/<page>`` (its URL path; "" for the home page) and waits until it is drawn."""
        page_hash = self.pages.get(page, "")
        if page_hash != self.page_hash:
            self._states.clear()  # another page's widgets: their ids carry that page's hash
        return await self._rerun(page_name=page, page_hash=page_hash, timeout=timeout)

    async def set_value(self, key: str, value: Any, *, timeout: float = 60.0) -> Run:
        """Sets the widget with user ``key`` to ``value`` and waits for the rerun."""
        state = widget_state(self.widget(key), value)
        self._states[state.id] = state
        return await self._rerun(page_hash=self.page_hash, timeout=timeout)

    async def nudge(self, key: str, steps: int = 1, *, timeout: float = 60.0) -> Run:
        """Moves the widget with user ``key`` one step (see :func:`neighbour`) and reruns."""
        return await self.set_value(key, neighbour(self.widget(key), steps), timeout=timeout)

    async def click(self, key: str, *, timeout: float = 60.0) -> Run:
        """Presses the button with user ``key`` (a one-run trigger) and waits for the rerun."""
        widget = self.widget(key)
        if widget.kind != "button":
            raise ValueError(f"{key!r} is a {widget.kind}, not a button")
        trigger = WidgetState(id=widget.id, trigger_value=True)
        return await self._rerun(page_hash=self.page_hash, extra=[trigger], timeout=timeout)

    async def follow_auto_reruns(self, seconds: float, *, stop: asyncio.Event | None = None):
        """Answers the fragments' ``run_every`` timers for ``seconds`` (or until ``stop``).

        Returns:
            The fragment runs it caused, as :class:`Run`s.
        """
        runs: list[Run] = []
        due: dict[str, float] = {}
        end = time.monotonic() + seconds
        while time.monotonic() < end and not (stop and stop.is_set()):
            now = time.monotonic()
            for fragment_id, interval in list(self._auto_reruns.items()):
                due.setdefault(fragment_id, now + interval)
                if due[fragment_id] <= now:
                    due[fragment_id] = now + interval
                    with contextlib.suppress(asyncio.TimeoutError):
                        runs.append(
                            await self._rerun(
                                page_hash=self.page_hash,
                                fragment_id=fragment_id,
                                timeout=max(5.0, 5 * interval),
                            )
                        )
            await asyncio.sleep(0.05)
        return runs

    # --- what the page shows ----------------------------------------------------------------

    def widgets(self) -> dict[str, Widget]:
        """The keyed widgets on the page now, by user key."""
        found: dict[str, Widget] = {}
        for element, _, _ in self._elements.values():
            kind_proto = _widget_kind(element)
            if kind_proto is None:
                continue
            kind, proto = kind_proto
            key = user_key(proto.id)
            if key is None:
                continue
            state = self._states.get(proto.id)
            value = _state_value(state) if state is not None else _shown_value(kind, proto)
            if kind == "slider" and state is not None and proto.data_type == Slider.INT:
                value = [int(v) for v in value] if isinstance(value, list) else int(value)
            found[key] = Widget(key, proto.id, kind, proto, value)
        return found

    def widget(self, key: str) -> Widget:
        """The widget with user ``key``.

        Raises:
            KeyError: when the page has no widget with that key (yet).
        """
        widgets = self.widgets()
        if key not in widgets:
            raise KeyError(f"no widget with key {key!r} on this page")
        return widgets[key]

    def texts(self, *, main_only: bool = True, fragment_only: bool = False) -> list[str]:
        """The texts on the page, in delta-path order (main area only, like ``stMain``)."""
        found = []
        for path in sorted(self._elements):
            element, fragment_id, _ = self._elements[path]
            if main_only and path[:1] != (0,):
                continue
            if fragment_only and not fragment_id:
                continue
            kind = element.WhichOneof("type")
            proto = getattr(element, kind) if kind else None
            for name in _TEXT_FIELDS.get(kind, ()):
                text = getattr(proto, name, "")
                if text:
                    found.append(text)
        return found

    def elements(self, kind: str) -> list[Any]:
        """The elements of one kind (an Element field such as "html" or "metric"), in order."""
        return [
            getattr(self._elements[path][0], kind)
            for path in sorted(self._elements)
            if self._elements[path][0].WhichOneof("type") == kind
        ]

    # --- the protocol ---------------------------------------------------------------------------

    async def _rerun(
        self,
        *,
        page_name: str = "",
        page_hash: str = "",
        fragment_id: str = "",
        extra: list[WidgetState] | None = None,
        timeout: float,
    ) -> Run:
        async with self._lock:
            if self._ws is None:
                raise ProtocolError("not connected: call connect() first")
            if self._closed is not None:
                raise ProtocolError(f"session closed: {self._closed}")
            msg = BackMsg()
            state = msg.rerun_script
            state.query_string = self.query_string
            state.page_name = page_name
            state.page_script_hash = page_hash
            state.fragment_id = fragment_id
            state.is_auto_rerun = bool(fragment_id)
            state.widget_states.widgets.extend([*self._states.values(), *(extra or [])])
            state.cached_message_hashes.extend(self._cache)
            info = state.context_info
            info.locale, info.timezone, info.timezone_offset = self.locale, "UTC", 0
            info.url = f"{self.base_url}/{page_name}?{self.query_string}"
            info.color_scheme = "light"
            waiter = _Waiter(
                fragment=bool(fragment_id),
                sent=time.perf_counter(),
                future=asyncio.get_running_loop().create_future(),
            )
            self._waiter = waiter
            try:
                await self._ws.send(msg.SerializeToString())
                return await asyncio.wait_for(asyncio.shield(waiter.future), timeout)
            finally:
                self._waiter = None

    async def _read(self) -> None:
        try:
            async for data in self._ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._handle(msg)
        except Exception as exc:  # the reason reaches whoever waits, not the event loop's log
            self._closed = exc
        else:
            self._closed = ProtocolError("the server closed the websocket")
        if self._waiter is not None and not self._waiter.future.done():
            self._waiter.future.set_exception(ProtocolError(str(self._closed)))

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                raise ProtocolError(f"server referred to a message never cached: {msg.ref_hash}")
            full = ForwardMsg()
            full.CopyFrom(cached)
            full.metadata.CopyFrom(msg.metadata)
            msg, kind = full, full.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash:
            self._cache[msg.hash] = msg
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.pop(next(iter(self._cache)))
        waiter = self._waiter
        if kind == "new_session":
            self._start_run(msg, waiter)
        elif kind == "delta":
            self._delta(msg, waiter)
        elif kind == "script_finished":
            self._finish_run(msg, waiter)
        elif kind == "navigation":
            self.pages = {
                page.url_pathname: page.page_script_hash for page in msg.navigation.app_pages
            }
            self.page_hash = msg.navigation.page_script_hash
        elif kind == "page_not_found":
            self.pages_not_found.append(msg.page_not_found.page_name)
            if waiter is not None:
                waiter.run.page_not_found = msg.page_not_found.page_name
        elif kind == "page_info_changed":  # the script changed st.query_params: the URL follows
            self.query_string = msg.page_info_changed.query_string
        elif kind == "session_status_changed":
            self.script_running = msg.session_status_changed.script_is_running
        elif kind == "session_event":
            event = msg.session_event
            if event.WhichOneof("type") == "script_compilation_exception":
                error = event.script_compilation_exception
                self._exception(f"{error.type}: {error.message}", waiter)
        elif kind == "auto_rerun":
            self._auto_reruns[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                self._auto_reruns.pop(fragment_id, None)

    def _start_run(self, msg: ForwardMsg, waiter: _Waiter | None) -> None:
        run = msg.metadata.run
        fragment_ids = set(run.fragment_ids)
        if not fragment_ids:
            # The script's hash; with a pages/ folder (run as st.navigation since 1.36) that is
            # the main script, and the `navigation` message that follows names the page.
            self.page_hash = msg.new_session.page_script_hash or self.page_hash
            # A full run redraws every fragment, which registers its timers again.
            self._auto_reruns.clear()
        self._fragment_ids = fragment_ids
        self._current_run = run.script_run_id
        # Runs the server starts by itself (st.rerun in a fragment) belong to the waiting
        # action too: the visitor waits for them all the same.
        if waiter is not None and (waiter.fragment or not fragment_ids):
            waiter.run_ids.add(run.script_run_id)

    def _delta(self, msg: ForwardMsg, waiter: _Waiter | None) -> None:
        delta = msg.delta
        if delta.WhichOneof("type") != "new_element":
            return
        path = tuple(msg.metadata.delta_path)
        run_id = msg.metadata.run.script_run_id or self._current_run
        self._elements[path] = (delta.new_element, delta.fragment_id, run_id)
        kind_proto = _widget_kind(delta.new_element)
        if kind_proto is not None and getattr(kind_proto[1], "set_value", False):
            # The script set this widget's value (session state): the page now shows the
            # server's value, as the frontend adopts it, and the server holds it.
            self._states.pop(kind_proto[1].id, None)
        if delta.new_element.WhichOneof("type") == "exception":
            error = delta.new_element.exception
            self._exception(f"{error.type}: {error.message}"[:300], waiter)

    def _exception(self, text: str, waiter: _Waiter | None) -> None:
        self.exceptions.append(text)
        if waiter is not None:
            waiter.run.exceptions.append(text)

    def _finish_run(self, msg: ForwardMsg, waiter: _Waiter | None) -> None:
        status = _STATUS.get(msg.script_finished, str(msg.script_finished))
        run = msg.metadata.run
        run_id = run.script_run_id
        if status == FINISHED:
            # The frontend drops what this run did not draw again.
            self._elements = {p: e for p, e in self._elements.items() if e[2] == run_id}
        elif status == FRAGMENT_FINISHED:
            fragments = set(run.fragment_ids) or self._fragment_ids
            self._elements = {
                p: e for p, e in self._elements.items() if e[1] not in fragments or e[2] == run_id
            }
        if waiter is None or waiter.future.done() or run_id not in waiter.run_ids:
            return
        if status == EARLY_FOR_RERUN:
            waiter.run.restarts += 1  # the next run is the one the visitor waits for
            return
        waiter.run.status = status
        waiter.run.seconds = time.perf_counter() - waiter.sent
        waiter.future.set_result(waiter.run)


def _state_value(state: WidgetState) -> Any:
    kind = state.WhichOneof("value")
    value = getattr(state, kind)
    if kind.endswith("_array_value"):
        values = list(value.data)
        return values[0] if len(values) == 1 else values
    return value
