import streamlit as st

from ui import frame, t

frame("data")
st.title(t("nav.data"))
st.info(t("stub.coming"))
