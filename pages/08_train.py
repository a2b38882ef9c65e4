import streamlit as st

from ui import frame, t, visitor_id
from ui import train_common as tc
from ui import train_controls as ctl
from ui import train_history as hist
from ui import train_live as live

frame("train")
st.title(t("trainp.title"))
st.markdown(t("trainp.intro"))

spec, settings, from_build = ctl.current_design()
design_box = st.container()

# The engine imports TensorFlow (a few seconds): only after the page already shows something.
with st.spinner(t("trainp.loading_engine")):
    eng = tc.engine()
owner = visitor_id()
handle = ctl.attach(eng, owner)
running = ctl.is_active(handle)
with design_box:
    can_train = ctl.design_box(eng, owner, handle, spec, settings, from_build)

st.subheader(t("trainp.run_title"))
if running:
    live.live_panel()
else:
    ctl.start_controls(owner, spec, settings, ok=can_train)
    live.final_panel(eng, owner, handle)

st.divider()
st.header(t("trainp.history.title"))
hist.run_history(eng, owner, busy_here=running)
