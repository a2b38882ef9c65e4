import streamlit as st

from ui import frame, t

frame("build")
st.title(t("nav.build"))
st.info(t("stub.coming"))
