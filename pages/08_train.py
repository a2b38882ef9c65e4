import streamlit as st

from ui import frame, t, visitor_id
from ui import training as tr

frame("train")
st.title(t("trainp.title"))
st.markdown(t("trainp.intro"))

spec, settings, from_build = tr.current_design()
design_box = st.container()

# The engine imports TensorFlow (a few seconds): only after the page already shows something.
with st.spinner(t("trainp.loading_engine")):
    eng = tr.engine()
owner = visitor_id()
handle = tr.attach(eng, owner)
running = tr.is_active(handle)
with design_box:
    can_train = tr.design_box(eng, owner, handle, spec, settings, from_build)

st.subheader(t("trainp.run_title"))
if running:
    tr.live_panel()
else:
    tr.start_controls(eng, owner, spec, settings, from_build=from_build, ok=can_train)
    tr.final_panel(eng, owner, handle)

st.divider()
st.header(t("trainp.history.title"))
tr.run_history(eng, owner, busy_here=running)
