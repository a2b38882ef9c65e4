import streamlit as st

from ui import frame, t

frame("fully_connected")
st.title(t("nav.fully_connected"))
st.info(t("stub.coming"))
