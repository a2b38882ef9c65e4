import streamlit as st

from ui import frame, t

frame("convolution")
st.title(t("nav.convolution"))
st.info(t("stub.coming"))
