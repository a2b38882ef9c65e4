import streamlit as st

from ui import frame, t

frame("classify")
st.title(t("nav.classify"))
st.info(t("stub.coming"))
