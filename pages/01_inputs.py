import streamlit as st

from ui import frame, t

frame("inputs")
st.title(t("nav.inputs"))
st.info(t("stub.coming"))
