"""URLs of the live sitting (merged into sittings/urls.py, mounted at /seances/).

- console/ and console/point/<pk>/: the secretariat runs the sitting (roll call, items);
- console/pouvoirs/: written proxies handed to the secretariat, recorded and revoked;
- vote/<pk>/: one ballot, its result entered or followed, then closed;
- voter/ (+ voter.json): a member votes from his device;
- ecran/ (+ ecran.json): the public live screen.
"""

from django.urls import path

from .views import live, proxies, screen, vote

urlpatterns: list = [
    path("<slug:slug>/console/", live.console, name="live_console"),
    path("<slug:slug>/console/point/<int:pk>/", live.item_page, name="live_item"),
    path("<slug:slug>/console/pouvoirs/", proxies.paper_proxies, name="live_proxies"),
    path("<slug:slug>/vote/<int:pk>/", vote.ballot_page, name="live_ballot"),
    path("<slug:slug>/voter/", vote.member_vote, name="live_vote"),
    path("<slug:slug>/voter.json", vote.member_vote_state, name="live_vote_state"),
    path("<slug:slug>/ecran/", screen.screen, name="live_screen"),
    path("<slug:slug>/ecran.json", screen.screen_json, name="live_screen_json"),
]
