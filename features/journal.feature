@mock @journal
Feature: The control API's journal and event stream
  gwsmock keeps a journal of the /api/v2 requests, their answers and the
  CometD notifications (docs/control-api.md C3.7), read with GET
  /control/v1/journal?since=N&user=NAME, and follows it live on GET
  /control/v1/events (spec/control.yaml). These scenarios hold gwsmock to
  its own control API, beyond the driver contract: they are @mock.

  @B6.4
  Scenario: The journal records each request, its answer and the notification it caused, once, under the /v2 name
    Given alice is Ready on email
    And alice is listening on /me/interactions
    And an interaction arrives with:
      """
      {"channel": "email", "agent": "{{alice.userName}}"}
      """
    And alice receives on /me/interactions:
      """
      {"messageTypeName": "InteractionStateMessage", "notificationType": "StatusChange", "id": "{{it}}", "state": "Invited"}
      """
    When control sends GET /control/v1/journal
    And the response field last is saved as mark
    And alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "Accept"}
      """
    Then the response status is 200
    And alice receives on /me/interactions:
      """
      {"messageTypeName": "InteractionStateMessage", "notificationType": "StatusChange", "id": "{{it}}", "state": "Processing"}
      """
    When bob tries to accept it
    Then the response status is 403
    When control sends GET /control/v1/journal?since={{mark}}&user={{alice.userName}}
    Then the response status is 200
    And the response matches:
      """
      {"entries": [
        {"kind": "request", "user": "{{alice.userName}}", "method": "POST", "path": "/api/v2/me/interactions/{{it}}",
         "data": {"operationName": "Accept"}, "status": "{{absent}}", "channel": "{{absent}}"},
        {"kind": "notification", "user": "{{alice.userName}}", "channel": "/v2/me/interactions",
         "data": {"messageTypeName": "InteractionStateMessage", "notificationType": "StatusChange", "id": "{{it}}", "state": "Processing"}},
        {"kind": "response", "user": "{{alice.userName}}", "method": "POST", "path": "/api/v2/me/interactions/{{it}}", "status": 200,
         "data": {"status": "ok", "statusCode": 0, "referenceId": "{{number}}"}}
      ]}
      """
    When control sends GET /control/v1/journal?since={{mark}}&user={{bob.userName}}
    Then the response matches:
      """
      {"entries": [
        {"kind": "request", "user": "{{bob.userName}}", "method": "POST", "path": "/api/v2/me/interactions/{{it}}", "data": {"operationName": "Accept"}},
        {"kind": "response", "user": "{{bob.userName}}", "method": "POST", "path": "/api/v2/me/interactions/{{it}}", "status": 403,
         "data": {"status": "error", "statusCode": "{{number}}", "statusMessage": "{{string}}"}}
      ]}
      """

  Scenario: The event stream announces each change of state, and each journal entry
    Given control follows the event stream
    And the event stream sends a state event matching:
      """
      {"version": "{{capture:v0}}"}
      """
    When control sends POST /control/v1/reset
    Then the response status is 200
    And the event stream sends a state event matching:
      """
      {"version": "{{capture:v1}}"}
      """
    And the variable v1 is greater than v0
    When control sends POST /control/v1/interactions with:
      """
      {"channel": "email", "queue": "{{queues.email-inbound}}"}
      """
    Then the response status is 201
    And the event stream sends a state event matching:
      """
      {"version": "{{capture:v2}}"}
      """
    And the variable v2 is greater than v1
    Given alice is Ready on email
    And alice is listening
    And an email is routed to alice
    Then the event stream sends a message event matching:
      """
      {"seq": "{{number}}", "kind": "notification", "user": "{{alice.userName}}", "channel": "/v2/me/interactions",
       "data": {"messageTypeName": "InteractionStateMessage", "id": "{{it}}", "state": "Invited"}}
      """
    And the event stream sends a state event matching:
      """
      {"version": "{{capture:v3}}"}
      """
    And the variable v3 is greater than v2

  @B2.2
  Scenario: The journal records the answers of requests refused before routing under their paths
    Given control sends GET /control/v1/journal
    And the response field last is saved as mark
    When anonymous sends GET /api/v2/me
    Then the response status is 401
    When alice sends OPTIONS /api/v2/me
    Then the response status is 405
    When control sends GET /control/v1/journal?since={{mark}}
    Then the response status is 200
    And the response matches:
      """
      {"entries": [
        {"kind": "response", "method": "GET", "path": "/api/v2/me", "status": 401, "data": {"statusCode": 20}},
        {"kind": "response", "method": "OPTIONS", "path": "/api/v2/me", "status": 405, "data": {"statusCode": 1}}
      ]}
      """

  Scenario: The event stream announces a reset, which no journal entry records
    When control sends GET /control/v1/journal
    And the response field last is saved as mark
    And control follows the event stream from {{mark}}
    And the event stream sends a state event matching:
      """
      {"version": "{{capture:v0}}"}
      """
    When control sends POST /control/v1/reset
    Then the response status is 200
    And the event stream sends a state event matching:
      """
      {"version": "{{capture:v1}}"}
      """
    And the variable v1 is greater than v0

  Scenario: The event stream announces an interaction waiting in a queue nobody serves, which no journal entry records
    Given alice, bob, carol and dave are NotReady on email
    When control sends GET /control/v1/journal
    And the response field last is saved as mark
    And control follows the event stream from {{mark}}
    And the event stream sends a state event matching:
      """
      {"version": "{{capture:v0}}"}
      """
    When an email arrives in queue email-inbound
    Then the event stream sends a state event matching:
      """
      {"version": "{{capture:v1}}"}
      """
    And the variable v1 is greater than v0
