import streamlit as st

from ui import frame, t

frame("activation")
st.title(t("nav.activation"))
st.info(t("stub.coming"))
