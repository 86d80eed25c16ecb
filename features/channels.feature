@channels
Feature: Readiness per channel
  GET /me/channels tells on which channels the agent is Ready, one channel
  object per channel ({"channel", "userState": {"state", "displayName"}});
  POST /me/channels/{channel} with Ready or NotReady changes it and
  notifies the agent on /v2/me/channels, with the request's referenceId.
  The scenarios make the agents Ready first (the runner restores their
  readiness afterwards).

  Background:
    Given alice and bob are Ready on email and chat
    And alice and bob are listening

  @B4.24
  Scenario: An agent Ready on its channels reads them all as Ready
    When alice sends GET /api/v2/me/channels
    Then the response status is 200
    And the response matches:
      """
      {
        "statusCode": 0,
        "channels": [
          "{{contains}}",
          {"channel": "email", "userState": {"state": "Ready", "displayName": "Ready"}, "state": "{{absent}}"},
          {"channel": "chat", "userState": {"state": "Ready", "displayName": "Ready"}, "state": "{{absent}}"}
        ]
      }
      """
    And the response has 2 channels

  @B4.24 @B4.25 @B4.28
  Scenario: An agent becomes NotReady and Ready again, and is told each time
    When alice becomes NotReady on email
    Then alice is notified that she is NotReady on email
    And alice's notification carries the referenceId of her last request
    And no one else is notified
    And alice's readiness is email NotReady and chat Ready
    When alice becomes Ready on email
    Then alice is notified that she is Ready on email
    And alice's notification carries the referenceId of her last request
    And no one else is notified
    And alice's readiness is email Ready and chat Ready

  @B4.28
  Scenario: Ready while Ready changes nothing and sends nothing
    When alice becomes Ready on email
    Then alice is not notified
    And alice's readiness is email Ready and chat Ready

  @B4.16 @B4.28
  Scenario: The control API changes an agent's readiness, and the agent is told
    When bob is made NotReady on chat
    Then bob is notified that he is NotReady on chat
    And bob's notification carries no referenceId
    And no one else is notified
    And bob's readiness is email Ready and chat NotReady

  @B4.15 @B4.25
  Scenario: An unknown readiness operation is refused
    When alice sends POST /api/v2/me/channels/email with:
      """
      {"operationName": "Busy"}
      """
    Then the request is refused with status 400
    And no one else is notified

  @B4.15 @B4.25
  Scenario: A readiness change without operationName is refused
    When alice sends POST /api/v2/me/channels/email with:
      """
      {}
      """
    Then the request is refused with status 400, naming "operationName"
    And no one else is notified

  @B4.25
  Scenario: A channel that does not exist is refused
    When alice tries to become Ready on fax
    Then the request is refused with status 400
    And no one else is notified

  @B4.17 @B4.25
  Scenario: A channel the agent does not handle is refused
    When alice tries to become Ready on workitem
    Then the request is refused with status 400
    And no one else is notified
    And alice's readiness is email Ready and chat Ready
