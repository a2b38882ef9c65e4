import streamlit as st

from ui import frame, t

frame("train")
st.title(t("nav.train"))
st.info(t("stub.coming"))
