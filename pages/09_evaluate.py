import streamlit as st

from ui import frame, t

frame("evaluate")
st.title(t("nav.evaluate"))
st.info(t("stub.coming"))
