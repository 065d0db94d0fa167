// `JSON` lives in SkiffJSON so that skiff-init (no Foundation, static stdlib) can read pod
// specs with the same parser; every user of SkiffAPI keeps seeing it as part of the API.
@_exported import SkiffJSON
