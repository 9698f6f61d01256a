package phenolink

import "testing"

func TestSessionViewBuilder(t *testing.T) {
	var none SessionViewBuilder
	if _, found := none.View(); found {
		t.Error("a view of no rows was found")
	}

	var anon SessionViewBuilder
	anon.Add(&SessionViewRow{Data: []byte("anonymous")})
	v, found := anon.View()
	if !found || string(v.Data) != "anonymous" || v.User != nil || v.Profiles != nil {
		t.Errorf("signed-out session = %+v, %v; want its data and no user", v, found)
	}

	var lone SessionViewBuilder
	lone.Add(&SessionViewRow{Data: []byte("s"), HasUser: true, User: User{ID: "u1"}, Researcher: true})
	v, _ = lone.View()
	if v.User == nil || v.User.ID != "u1" || v.Profiles == nil || len(v.Profiles) != 0 || !v.Researcher {
		t.Errorf("user without profiles = %+v; want the user, an empty (not nil) profile list and the role", v)
	}

	var two SessionViewBuilder
	for _, id := range []string{"p1", "p2"} {
		two.Add(&SessionViewRow{Data: []byte("s"), HasUser: true, User: User{ID: "u1"}, HasProfile: true, Profile: Profile{ID: id}})
	}
	v, _ = two.View()
	if len(v.Profiles) != 2 || v.Profiles[0].ID != "p1" || v.Profiles[1].ID != "p2" || v.Profiles[1].UserID != "u1" || v.Researcher {
		t.Errorf("user with two profiles = %+v", v)
	}
}
