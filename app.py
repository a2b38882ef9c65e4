import streamlit as st

from ui import frame, t

frame("home")
st.title(t("home.title"))
st.markdown(t("home.intro"))
