@bayeux-wire
Feature: The Bayeux rules on the wire
  The rules of docs/bayeux.md that decide whether real CometD and Faye
  clients work, observed by plain HTTP exchanges with the notification
  endpoint (/api/v2/notifications), as a client library makes them: every
  answer a JSON array with status 200, the request's id echoed, replies
  told from deliveries by successful, the handshake's fields, the long
  poll, the ack extension, an unknown session told to handshake again, and
  a session bound to its user.

  @C1 @C2 @C4 @C5 @C13
  Scenario: A handshake is answered with the client id, the version, the connection types and the advice
    When alice sends POST /api/v2/notifications/handshake with:
      """
      [{"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"], "id": "hs-1"}]
      """
    Then the response status is 200
    And the response matches:
      """
      [{"channel": "/meta/handshake", "id": "hs-1", "successful": true, "clientId": "{{capture:cid}}", "version": "1.0",
        "supportedConnectionTypes": ["{{contains}}", "long-polling"], "advice": {"reconnect": "retry", "interval": 0, "timeout": "{{number}}"}}]
      """
    When alice sends POST /api/v2/notifications with:
      """
      [{"channel": "/meta/connect", "clientId": "{{cid}}", "connectionType": "long-polling", "id": 3}]
      """
    Then the response status is 200
    And the response matches:
      """
      [{"channel": "/meta/connect", "id": 3, "successful": true}]
      """
    When alice sends POST /api/v2/notifications/handshake with:
      """
      [{"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["smoke-signals"], "id": "hs-2"}]
      """
    Then the response status is 200
    And the response matches:
      """
      [{"channel": "/meta/handshake", "id": "hs-2", "successful": false, "error": "{{regex:^301:[^:]*:.}}", "clientId": "{{absent}}"}]
      """

  @C1
  Scenario: A single message is answered as an array, and a body that is not JSON with 400
    When alice sends POST /api/v2/notifications with:
      """
      {"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"], "id": "single"}
      """
    Then the response status is 200
    And the response matches:
      """
      [{"channel": "/meta/handshake", "id": "single", "successful": true, "clientId": "{{string}}"}]
      """
    When alice sends POST /api/v2/notifications with:
      """
      this is not JSON
      """
    Then the response status is 400

  @C3 @C6 @C9 @C12 @B6.3
  Scenario: Deliveries travel in the connect reply without successful, and a batch never acknowledged comes again
    Given alice is Ready on email and chat
    When alice sends POST /api/v2/notifications/handshake with:
      """
      [{"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"], "id": "1", "ext": {"ack": true}}]
      """
    Then the response matches:
      """
      [{"channel": "/meta/handshake", "successful": true, "clientId": "{{capture:cid}}", "ext": {"ack": true}}]
      """
    When alice sends POST /api/v2/notifications/connect with:
      """
      [{"channel": "/meta/connect", "clientId": "{{cid}}", "connectionType": "long-polling", "id": "2", "ext": {"ack": -1}}]
      """
    Then the response matches:
      """
      [{"channel": "/meta/connect", "id": "2", "successful": true, "ext": {"ack": "{{capture:first}}"}}]
      """
    When alice sends POST /api/v2/notifications with:
      """
      [{"channel": "/meta/subscribe", "clientId": "{{cid}}", "subscription": ["/v2/me/channels", "/v2/me/interactions"], "id": "3"}]
      """
    Then the response matches:
      """
      ["{{contains}}", {"channel": "/meta/subscribe", "id": "3", "successful": true}]
      """
    When alice becomes NotReady on chat
    And alice sends POST /api/v2/notifications/connect with:
      """
      [{"channel": "/meta/connect", "clientId": "{{cid}}", "connectionType": "long-polling", "id": "4", "ext": {"ack": {{first}}}}]
      """
    Then the response status is 200
    And the response has 2 @this
    And the response matches:
      """
      ["{{contains}}",
       {"channel": "/v2/me/channels", "successful": "{{absent}}", "data": {"messageTypeName": "ChannelStateMessage", "channel": "chat", "state": "NotReady", "referenceId": "{{alice.referenceId}}"}},
       {"channel": "/meta/connect", "id": "4", "successful": true, "ext": {"ack": "{{number}}"}}]
      """
    # The reply to connect 4 was lost: the next connect acknowledges only
    # the batch before it, and the message comes again.
    When alice sends POST /api/v2/notifications/connect with:
      """
      [{"channel": "/meta/connect", "clientId": "{{cid}}", "connectionType": "long-polling", "id": "5", "ext": {"ack": {{first}}}}]
      """
    Then the response status is 200
    And the response matches:
      """
      ["{{contains}}",
       {"channel": "/v2/me/channels", "successful": "{{absent}}", "data": {"messageTypeName": "ChannelStateMessage", "channel": "chat", "state": "NotReady"}},
       {"channel": "/meta/connect", "id": "5", "successful": true}]
      """

  @C7 @C13
  Scenario: A session used after its disconnect is unknown, and told to handshake again
    When alice sends POST /api/v2/notifications/handshake with:
      """
      [{"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"], "id": "1"}]
      """
    And the response matches:
      """
      [{"channel": "/meta/handshake", "successful": true, "clientId": "{{capture:cid}}"}]
      """
    And alice sends POST /api/v2/notifications/disconnect with:
      """
      [{"channel": "/meta/disconnect", "clientId": "{{cid}}", "id": "2"}]
      """
    Then the response status is 200
    And the response matches:
      """
      [{"channel": "/meta/disconnect", "id": "2", "successful": true}]
      """
    When alice sends POST /api/v2/notifications/connect with:
      """
      [{"channel": "/meta/connect", "clientId": "{{cid}}", "connectionType": "long-polling", "id": "3"}]
      """
    Then the response status is 200
    And the response matches:
      """
      [{"channel": "/meta/connect", "id": "3", "successful": false, "error": "402::session_unknown", "advice": {"reconnect": "handshake", "interval": 0}}]
      """
    When alice sends POST /api/v2/notifications with:
      """
      [{"channel": "/meta/subscribe", "clientId": "{{cid}}", "subscription": "/v2/me/interactions", "id": "4"}]
      """
    Then the response status is 200
    And the response matches:
      """
      [{"channel": "/meta/subscribe", "id": "4", "successful": false, "error": "402::session_unknown", "advice": {"reconnect": "handshake"}}]
      """
    When alice sends POST /api/v2/notifications/connect with:
      """
      [{"channel": "/meta/connect", "clientId": "no-such-client-id", "connectionType": "long-polling", "id": "5"}]
      """
    Then the response matches:
      """
      [{"channel": "/meta/connect", "id": "5", "successful": false, "error": "402::session_unknown", "advice": {"reconnect": "handshake"}}]
      """

  @C9 @B6.6
  Scenario: A subscription outside the topics is refused
    When alice sends POST /api/v2/notifications/handshake with:
      """
      [{"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"], "id": "1"}]
      """
    And the response matches:
      """
      [{"channel": "/meta/handshake", "successful": true, "clientId": "{{capture:cid}}"}]
      """
    And alice sends POST /api/v2/notifications with:
      """
      [{"channel": "/meta/subscribe", "clientId": "{{cid}}", "subscription": "/v1/me/interactions", "id": "2"}]
      """
    Then the response status is 200
    And the response matches:
      """
      [{"channel": "/meta/subscribe", "id": "2", "successful": false, "error": "{{regex:^403:}}"}]
      """

  @C14
  Scenario: A session belongs to the user who opened it
    Given bob sends GET /api/v2/me
    And the response status is 200
    When alice sends POST /api/v2/notifications/handshake with:
      """
      [{"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"], "id": "1"}]
      """
    And the response matches:
      """
      [{"channel": "/meta/handshake", "successful": true, "clientId": "{{capture:cid}}"}]
      """
    # Basic credentials of another user, or wrong ones: refused as unknown.
    And bob sends POST /api/v2/notifications with:
      """
      [{"channel": "/meta/subscribe", "clientId": "{{cid}}", "subscription": "/v2/me/interactions", "id": "2"}]
      """
    Then the response matches:
      """
      [{"channel": "/meta/subscribe", "id": "2", "successful": false, "error": "402::session_unknown"}]
      """
    When alice:wrong-password sends POST /api/v2/notifications with:
      """
      [{"channel": "/meta/connect", "clientId": "{{cid}}", "connectionType": "long-polling", "id": "3", "advice": {"timeout": 0}}]
      """
    Then the response matches:
      """
      [{"channel": "/meta/connect", "id": "3", "successful": false, "error": "402::session_unknown"}]
      """
    # Another user's session cookie may only poll.
    When bob by cookie sends POST /api/v2/notifications with:
      """
      [{"channel": "/meta/connect", "clientId": "{{cid}}", "connectionType": "long-polling", "id": "4", "advice": {"timeout": 0}}]
      """
    Then the response matches:
      """
      [{"channel": "/meta/connect", "id": "4", "successful": true}]
      """
    When bob by cookie sends POST /api/v2/notifications with:
      """
      [{"channel": "/meta/subscribe", "clientId": "{{cid}}", "subscription": "/v2/me/interactions", "id": "5"}]
      """
    Then the response matches:
      """
      [{"channel": "/meta/subscribe", "id": "5", "successful": false, "error": "402::session_unknown"}]
      """
    # No credentials: the clientId alone decides.
    When anonymous sends POST /api/v2/notifications with:
      """
      [{"channel": "/meta/subscribe", "clientId": "{{cid}}", "subscription": "/v2/me/interactions", "id": "6"}]
      """
    Then the response matches:
      """
      [{"channel": "/meta/subscribe", "id": "6", "successful": true}]
      """
