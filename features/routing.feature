@routing
Feature: Routing
  An interaction that needs an agent is offered to one eligible agent: one
  who serves its queue, is Ready on its channel, is under capacity and is
  not excluded for this offer. With no eligible agent the interaction waits
  in its queue. Which of several eligible agents wins is the target's own
  policy (gwsmock: the one holding the fewest interactions, then the
  smaller userName; that scenario is @mock): the others only check that one
  of them gets the offer.

  @B4.3 @B5.1
  Scenario: A new email goes to one of the Ready agents
    Given alice, bob, carol and dave are Ready on email
    And alice, bob, carol and dave are listening
    When an email arrives in queue email-inbound
    Then one of alice, bob, carol and dave is offered it, without a referenceId
    And no one else is notified
    And admin sees it as Invited with capabilities none

  @mock @B3.2 @B5.1
  Scenario: A new interaction without a queue is routed from its channel's first queue
    Given alice is Ready on chat
    And bob, carol and dave are NotReady on chat
    And alice, bob, carol and dave are listening
    When a chat arrives
    Then alice receives on /v2/me/interactions:
      """
      {"id": "{{it}}", "channel": "chat", "state": "Invited", "currentQueue": "{{queues.chat-inbound}}"}
      """
    And no one else is notified

  @mock @B5.7
  Scenario: The agent holding the fewest interactions gets the next one
    Given alice, bob, carol and dave are listening
    And an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    When a chat arrives in queue chat-inbound
    Then bob is notified that it is Invited
    And no one else is notified

  @mock @B5.1 @B5.7
  Scenario: A Ready user without the agent role is passed over, and a tie goes to the smaller userName whatever the order of the users
    # the users are listed bob first, and the supervisor's userName is the smallest
    When control sends PUT /control/v1/state with:
      """
      {"version": 1, "workbins": [], "interactions": [],
       "queues": [{"id": "97470f43-d112-508a-8771-da0bd936a322", "name": "{{queues.email-inbound}}", "channel": "email"}],
       "users": [
         {"id": "00000000000000000000000000000001", "userName": "0-supervisor", "password": "super123", "roles": ["supervisor"], "channels": ["email"], "queues": ["{{queues.email-inbound}}"]},
         {"id": "{{bob.id}}", "userName": "{{bob.userName}}", "password": "{{bob.password}}", "roles": ["agent"], "channels": ["email"], "queues": ["{{queues.email-inbound}}"]},
         {"id": "{{alice.id}}", "userName": "{{alice.userName}}", "password": "{{alice.password}}", "roles": ["agent"], "channels": ["email"], "queues": ["{{queues.email-inbound}}"]}
       ]}
      """
    Then the response status is 200
    Given alice and bob are listening
    When an email arrives in queue email-inbound
    Then alice is notified that it is Invited
    And no one else is notified

  @mock @B1.4 @B1.5
  Scenario: Queue and workbin ids are UUIDs in either letter case; a state whose queue id is not one is refused whole
    When control sends PUT /control/v1/state with:
      """
      {"version": 1, "users": [], "interactions": [],
       "queues": [{"id": "ABCDEF01-2345-6789-ABCD-EF0123456789", "name": "{{queues.email-inbound}}", "channel": "email"}],
       "workbins": [{"id": "FEDCBA98-7654-3210-FEDC-BA9876543210", "name": "{{workbins.team-workbin}}", "type": "Shared", "members": []}]}
      """
    Then the response status is 200
    When control sends PUT /control/v1/state with:
      """
      {"version": 1, "users": [], "interactions": [], "workbins": [],
       "queues": [{"id": "abcdef01-2345-6789-abcd-ef012345678z", "name": "{{queues.email-inbound}}", "channel": "email"}]}
      """
    Then the response status is 400
    When control sends GET /control/v1/state
    Then the response matches:
      """
      {"queues": [{"id": "ABCDEF01-2345-6789-ABCD-EF0123456789"}], "workbins": [{"id": "FEDCBA98-7654-3210-FEDC-BA9876543210"}]}
      """

  @B1.3 @B5.1
  Scenario: An agent who is NotReady on the channel is passed over
    Given alice and bob are Ready on email
    And carol and dave are NotReady on email
    And alice, bob, carol and dave are listening
    And alice is made NotReady on email
    And alice is notified that she is NotReady on email
    When an email arrives in queue email-inbound
    Then bob is notified that it is Invited
    And no one else is notified

  @B1.3 @B5.1 @B5.3
  Scenario: Readiness is per channel: an agent NotReady on email but Ready on chat is offered a chat, and no email
    Given alice is Ready on chat
    And alice is NotReady on email
    And bob, carol and dave are NotReady on email and chat
    And alice, bob, carol and dave are listening
    And alice's readiness is email NotReady and chat Ready
    When a chat arrives in queue chat-inbound
    Then alice is notified that it is Invited
    And no one else is notified
    When an email arrives in queue email-inbound
    Then no one else is notified
    And admin sees it as Queued

  @B1.2 @B3.3 @B5.1
  Scenario: A workitem goes to an agent of the workitem queue
    Given carol and dave are Ready on workitem
    And alice, bob, carol and dave are listening
    When a workitem arrives in queue workitem-inbound
    Then one of carol and dave is offered it, and the offer matches:
      """
      {"channel": "workitem", "workitem_object": {"caseNumber": "CASE-77"}}
      """
    And no one else is notified

  @B4.3 @B5.3
  Scenario: With nobody Ready the interaction waits, and goes to the first agent who becomes Ready
    Given alice, bob, carol and dave are NotReady on email
    And alice, bob, carol and dave are listening
    When an email arrives in queue email-inbound
    Then no one else is notified
    And admin sees it as Queued
    When carol becomes Ready on email
    Then carol is notified that she is Ready on email
    And carol is notified that it is Invited
    And no one else is notified
    And admin sees it as Invited with capabilities none

  @mock @B5.2 @B5.5
  Scenario: Every part an agent plays counts against her capacity, and a full agent gets no direct offer
    # gwsmock's default capacity is 5 per channel; bob takes four offers and a conference invitation
    Given alice, bob, carol and dave are listening
    And an email is routed to bob
    And an email is routed to bob
    And an email is routed to bob
    And an email is routed to bob
    And an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    And alice invites bob to a conference on it
    And bob is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and bob as InvitedConference
    When control sends POST /control/v1/interactions with:
      """
      {"channel": "email", "queue": "{{queues.email-inbound}}", "agent": "{{bob.userName}}", "email_object": {"subject": "One too many", "from": "joe@example.com", "to": "support@example.com", "body": "Hi"}}
      """
    Then the response status is 409
    Given an email is routed to carol
    And carol accepts it
    And carol is notified that it is Processing
    When carol tries to transfer it to bob
    Then the request is refused with status 409
    When carol tries to invite bob to a conference on it
    Then the request is refused with status 409
    And no one else is notified
    And carol sees it as Processing

  Scenario: The control API refuses a new interaction for an agent it does not know, and offers it to nobody
    Given alice, bob, carol and dave are Ready on email
    And alice, bob, carol and dave are listening
    When control sends POST /control/v1/interactions with:
      """
      {"channel": "email", "agent": "no-such-agent", "email_object": {"subject": "For nobody", "from": "joe@example.com", "to": "support@example.com", "body": "Hi"}}
      """
    Then the response status is 400
    And nobody receives a notification

  Scenario: The control API answers 404 for routing or revoking an interaction that does not exist
    When control sends POST /control/v1/interactions/0000000000000000/route
    Then the response status is 404
    When control sends POST /control/v1/interactions/0000000000000000/revoke
    Then the response status is 404

  @mock @B1.2 @B1.5
  Scenario: A state document that does not hold together is refused whole, and a channel left without a queue takes no new interaction
    # alice serves an email queue but handles only chat
    When control sends PUT /control/v1/state with:
      """
      {"version": 1, "workbins": [],
       "queues": [{"id": "97470f43-d112-508a-8771-da0bd936a322", "name": "q-email", "channel": "email"}],
       "users": [{"id": "{{alice.id}}", "userName": "{{alice.userName}}", "password": "changed-456", "roles": ["agent"], "channels": ["chat"], "queues": ["q-email"]}]}
      """
    Then the response status is 400
    And the response matches:
      """
      {"error": "{{regex:q-email}}"}
      """
    # one queue listed twice
    When control sends PUT /control/v1/state with:
      """
      {"version": 1, "workbins": [],
       "queues": [{"id": "97470f43-d112-508a-8771-da0bd936a322", "name": "q-email", "channel": "email"}],
       "users": [{"id": "{{alice.id}}", "userName": "{{alice.userName}}", "password": "changed-456", "roles": ["agent"], "channels": ["email"], "queues": ["q-email", "q-email"]}]}
      """
    Then the response status is 400
    And the response matches:
      """
      {"error": "{{regex:q-email}}"}
      """
    # an Agent workbin has an owner, not members
    When control sends PUT /control/v1/state with:
      """
      {"version": 1, "queues": [],
       "workbins": [{"id": "342ee51f-b7c9-5ee0-a816-d695a40f3fb4", "name": "w-alice", "type": "Agent", "ownerId": "{{alice.id}}", "members": ["{{alice.id}}"]}],
       "users": [{"id": "{{alice.id}}", "userName": "{{alice.userName}}", "password": "changed-456", "roles": ["agent"]}]}
      """
    Then the response status is 400
    And the response matches:
      """
      {"error": "{{regex:w-alice}}"}
      """
    # an agent of a chat with the customer's participantId
    When control sends PUT /control/v1/state with:
      """
      {"version": 1, "workbins": [],
       "queues": [{"id": "98b16ded-18de-523a-a7af-0da49ccd56c4", "name": "q-chat", "channel": "chat"}],
       "users": [{"id": "{{alice.id}}", "userName": "{{alice.userName}}", "password": "changed-456", "roles": ["agent"], "channels": ["chat"]}],
       "interactions": [{"id": "00000000000000C1", "channel": "chat", "state": "Queued", "queue": "q-chat",
                         "chat": {"customerParticipantId": "00000000000000AA", "agents": [{"userId": "{{alice.id}}", "participantId": "00000000000000AA"}]}}]}
      """
    Then the response status is 400
    And the response matches:
      """
      {"error": "{{regex:00000000000000AA}}"}
      """
    # two agents of a chat with one participantId
    When control sends PUT /control/v1/state with:
      """
      {"version": 1, "workbins": [],
       "queues": [{"id": "98b16ded-18de-523a-a7af-0da49ccd56c4", "name": "q-chat", "channel": "chat"}],
       "users": [{"id": "{{alice.id}}", "userName": "{{alice.userName}}", "password": "changed-456", "roles": ["agent"], "channels": ["chat"]},
                 {"id": "{{bob.id}}", "userName": "{{bob.userName}}", "password": "changed-789", "roles": ["agent"], "channels": ["chat"]}],
       "interactions": [{"id": "00000000000000C1", "channel": "chat", "state": "Queued", "queue": "q-chat",
                         "chat": {"customerParticipantId": "00000000000000AA", "agents": [{"userId": "{{alice.id}}", "participantId": "00000000000000BB"}, {"userId": "{{bob.id}}", "participantId": "00000000000000BB"}]}}]}
      """
    Then the response status is 400
    And the response matches:
      """
      {"error": "{{regex:00000000000000BB}}"}
      """
    # nothing of them was taken: alice's password is still hers
    When alice sends GET /api/v2/me
    Then the response status is 200
    # a document that holds together, with a chat queue and no email queue
    When control sends PUT /control/v1/state with:
      """
      {"version": 1, "workbins": [],
       "queues": [{"id": "98b16ded-18de-523a-a7af-0da49ccd56c4", "name": "q-chat", "channel": "chat"}],
       "users": [{"id": "{{alice.id}}", "userName": "{{alice.userName}}", "password": "changed-456", "roles": ["agent"], "channels": ["email", "chat"], "queues": ["q-chat"]}]}
      """
    Then the response status is 200
    When control sends POST /control/v1/interactions with:
      """
      {"channel": "email"}
      """
    Then the response status is 400
    And the response matches:
      """
      {"error": "{{regex:(?i)queue}}"}
      """
