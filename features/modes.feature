@modes
Feature: Browser frontends and server modes: CORS, CSRF and the invitation timeout
  A frontend served from another origin is answered with CORS headers,
  credentials allowed and the CSRF headers exposed (docs/behavior.md
  B2.6). Some promises hold only when the server was started in a mode of
  its own: CSRF mode (B2.5, tag @csrf) and an invitation timeout (B5.6,
  tags @invite-timeout and @no-invite-timeout). The runner leaves those
  scenarios out unless the target file's "modes" say that the target runs
  in that mode (docs/verifying-an-implementation.md, "Server modes").
  {{origin}} is an origin the target allows (the target file's
  modes.origin; by default http://localhost:3000, which B2.6's default
  origins include).

  @B2.6
  Scenario: A frontend from an allowed origin gets its preflight answered and the CSRF headers exposed
    When alice sends OPTIONS /api/v2/me/interactions with headers:
      """
      Origin: {{origin}}
      Access-Control-Request-Method: PUT
      Access-Control-Request-Headers: content-type, x-csrf-token
      """
    Then the response header Access-Control-Allow-Origin matches "^{{origin}}$"
    And the response header Access-Control-Allow-Credentials matches "^true$"
    And the response header Access-Control-Allow-Methods matches "(?i)\bPUT\b"
    And the response header Access-Control-Allow-Headers matches "(?i)\bx-csrf-token\b"
    When alice sends GET /api/v2/me with headers:
      """
      Origin: {{origin}}
      """
    Then the response status is 200
    And the response header Access-Control-Allow-Origin matches "^{{origin}}$"
    And the response header Access-Control-Allow-Credentials matches "^true$"
    And the response header Access-Control-Expose-Headers matches "(?i)\bX-CSRF-TOKEN\b"
    And the response header Access-Control-Expose-Headers matches "(?i)\bX-CSRF-HEADER\b"

  @B2.2 @B2.6
  Scenario: Only an OPTIONS request carrying Access-Control-Request-Method is a preflight
    When alice sends OPTIONS /api/v2/me with headers:
      """
      Origin: {{origin}}
      """
    Then the response status is 405
    And the response header Allow matches "(?i)\bGET\b"
    And the response matches:
      """
      {"statusCode": 1, "statusMessage": "{{string}}"}
      """
    When alice sends GET /api/v2/me with headers:
      """
      Origin: {{origin}}
      Access-Control-Request-Method: GET
      """
    Then the response status is 200
    And the response header Access-Control-Allow-Origin matches "^{{origin}}$"
    And the response matches:
      """
      {"statusCode": 0, "user": {"id": "{{alice.id}}", "userName": "{{alice.userName}}"}}
      """

  @mock @B2.6
  Scenario: gwsmock's preflight answer allows the request headers the browser asks for
    When alice sends OPTIONS /api/v2/me with headers:
      """
      Origin: {{origin}}
      Access-Control-Request-Method: GET
      Access-Control-Request-Headers: x-requested-with
      """
    Then the response header Access-Control-Allow-Origin matches "^{{origin}}$"
    And the response header Access-Control-Allow-Headers matches "(?i)\bx-requested-with\b"

  @mock @B2.6
  Scenario: A request without an Origin, or from an origin outside gwsmock's default origins, gets no CORS headers
    When alice sends GET /api/v2/me with headers:
      """
      Origin: http://frontend.example.com
      """
    Then the response status is 200
    And the response has no header Access-Control-Allow-Origin
    And the response has no header Access-Control-Allow-Credentials
    When alice sends GET /api/v2/me
    Then the response status is 200
    And the response has no header Access-Control-Allow-Origin
    And the response has no header Access-Control-Allow-Credentials
    And the response has no header Access-Control-Expose-Headers

  @mock @B2.6
  Scenario: gwsmock's default origin http://localhost:* also allows http://localhost without a port
    When alice sends GET /api/v2/me with headers:
      """
      Origin: http://localhost
      """
    Then the response status is 200
    And the response header Access-Control-Allow-Origin matches "^http://localhost$"
    And the response header Access-Control-Allow-Credentials matches "^true$"

  @csrf @B2.5
  Scenario: In CSRF mode a GET hands out the token, and a POST without it is refused
    When alice sends GET /api/v2/me
    Then the response status is 200
    And the response header X-CSRF-HEADER matches "^X-CSRF-TOKEN$"
    And the response header X-CSRF-TOKEN matches "."
    When alice sends POST /api/v2/me with headers:
      """
      Content-Type: application/json

      {"operationName": "StartContactCenterSession"}
      """
    Then the response status is 403
    And the response header Content-Type matches "^text/plain"
    When alice sends POST /api/v2/me with headers:
      """
      X-CSRF-TOKEN: not-the-token-a-get-handed-out

      {"operationName": "StartContactCenterSession"}
      """
    Then the response status is 403
    When alice sends GET /api/v2/me/interactions
    Then the response status is 200
    When alice sends POST /api/v2/me with:
      """
      {"operationName": "StartContactCenterSession"}
      """
    Then the response status is 200

  @mock @csrf @journal
  Scenario: In CSRF mode the journal records a refusal for a missing token with its status and text
    When control sends GET /control/v1/journal
    And the response field last is saved as mark
    And alice sends POST /api/v2/me with headers:
      """
      Content-Type: application/json

      {"operationName": "StartContactCenterSession"}
      """
    Then the response status is 403
    When control sends GET /control/v1/journal?since={{mark}}&user={{alice.userName}}
    Then the response matches:
      """
      {"entries": [
        {"kind": "request", "method": "POST", "path": "/api/v2/me", "status": "{{absent}}"},
        {"kind": "response", "method": "POST", "path": "/api/v2/me", "status": 403, "data": "Missing or invalid Csrf token"}
      ]}
      """

  @mock @invite-timeout @B5.6 @B5.4
  Scenario: With an invitation timeout an offer nobody answers is revoked and offered to another agent
    Given alice and bob are Ready on email
    And carol and dave are NotReady on email
    And alice and bob are listening
    And an email is routed to alice
    Then alice is notified that it is Revoked
    And alice's notification carries no referenceId
    And bob is notified that it is Invited
    When bob accepts it
    Then bob is notified that it is Processing
    And alice no longer has it among her interactions

  @mock @no-invite-timeout @B5.6
  Scenario: Without an invitation timeout an offer stays open
    Given alice is Ready on email
    And alice is listening
    And an email is routed to alice
    Then alice receives no notification within 1500 ms
    And alice sees it as Invited
