import streamlit as st

from ui import frame, t

frame("pooling")
st.title(t("nav.pooling"))
st.info(t("stub.coming"))
